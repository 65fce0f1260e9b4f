/** What counts as a change in an engine summary's resource changes (preview, up, drift). Pure. */

/** Engine steps that change nothing: `same` (and `refresh`/`read`, should a summary ever count them). */
const NO_CHANGE_OPS = new Set(["same", "refresh", "read"]);

/** Resources the engine would change (preview) or changed (up): every step kind but `same`. */
export function changeCount(resourceChanges: Readonly<Record<string, number>>): number {
  return Object.entries(resourceChanges).reduce((sum, [op, count]) => (NO_CHANGE_OPS.has(op) ? sum : sum + count), 0);
}

/** The changing step kinds and their counts, e.g. `update 1, create 2` (empty when none). */
export function changeBreakdown(resourceChanges: Readonly<Record<string, number>>): string {
  return Object.entries(resourceChanges)
    .filter(([op, count]) => !NO_CHANGE_OPS.has(op) && count > 0)
    .map(([op, count]) => `${op} ${count}`)
    .join(", ");
}

/** Only the changing step kinds and their counts. */
export function changesOnly(resourceChanges: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(resourceChanges).filter(([op, count]) => !NO_CHANGE_OPS.has(op) && count > 0));
}
