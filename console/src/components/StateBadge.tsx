/** A tenant's or an operation's state, as text with a colour that only repeats it. */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge badge-${state.toLowerCase()}`}>{state}</span>;
}
