/** How times and JSON values are shown. */

/** `2026-12-05 13:04:22 UTC`; an empty dash for none. */
export function timeOf(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A nested JSON object as `a.b[0].c` → value rows, for definition lists. */
export function flatten(value: unknown, prefix = ""): [string, string][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, "[]"]];
    return value.flatMap((item, index) => flatten(item, `${prefix}[${index}]`));
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return prefix === "" ? [] : [[prefix, "{}"]];
    return entries.flatMap(([key, item]) => flatten(item, prefix === "" ? key : `${prefix}.${key}`));
  }
  return [[prefix, value === null ? "null" : String(value)]];
}

/** The token id of an operation's or event's actor (`portal:admin-token:<uuid>`), shortened. */
export function actorOf(actor: string): string {
  return actor.replace(/([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "$1…");
}
