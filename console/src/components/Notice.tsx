/** A message about the page as a whole: an error (announced at once) or a status. */
export function Notice({ kind, children }: { kind: "error" | "info"; children: string | undefined }) {
  if (!children) return null;
  return (
    <p class={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}
