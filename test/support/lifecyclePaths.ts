import { TENANT_STATES, type TenantState, TRANSITIONS } from "../../domain";

/** Every ordered pair of distinct states (42), with whether DESIGN §3 allows it. */
export function allStatePairs(): { from: TenantState; to: TenantState; allowed: boolean }[] {
  return TENANT_STATES.flatMap((from) =>
    TENANT_STATES.filter((to) => to !== from).map((to) => ({ from, to, allowed: TRANSITIONS.some((t) => t.from === from && t.to === to) })),
  );
}

/** The shortest chain of allowed transitions from PENDING to `state` (breadth-first), as the states visited after PENDING. */
export function pathFromPending(state: TenantState): TenantState[] {
  const previous = new Map<TenantState, TenantState>();
  const queue: TenantState[] = ["PENDING"];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const t of TRANSITIONS.filter((candidate) => candidate.from === current)) {
      if (t.to !== "PENDING" && !previous.has(t.to)) {
        previous.set(t.to, current);
        queue.push(t.to);
      }
    }
  }
  const path: TenantState[] = [];
  for (let at: TenantState | undefined = state; at !== undefined && at !== "PENDING"; at = previous.get(at)) path.unshift(at);
  return path;
}
