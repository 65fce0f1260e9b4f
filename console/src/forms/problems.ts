/**
 * Where each problem is shown: next to the field, rule or section its path points into (the most
 * specific one the form has), else in the form's summary. Paths are the API's: `id`,
 * `config.network.ingress[0].port`; a schema error's `body.` prefix is dropped.
 */

export interface PlacedProblem {
  readonly path: string;
  readonly message: string;
}

/** The anchor a problem path belongs to, or undefined. */
export function anchorOf(path: string, anchors: readonly string[]): string | undefined {
  const normal = path.replace(/^body\./, "");
  let best: string | undefined;
  for (const anchor of anchors) {
    const inside = normal === anchor || normal.startsWith(`${anchor}.`) || normal.startsWith(`${anchor}[`);
    if (inside && (best === undefined || anchor.length > best.length)) best = anchor;
  }
  return best;
}

/** The problems by anchor; those no anchor takes are under "". */
export function placeProblems(problems: readonly PlacedProblem[], anchors: readonly string[]): Map<string, PlacedProblem[]> {
  const placed = new Map<string, PlacedProblem[]>();
  for (const problem of problems) {
    const anchor = anchorOf(problem.path, anchors) ?? "";
    placed.set(anchor, [...(placed.get(anchor) ?? []), problem]);
  }
  return placed;
}

/** A DOM id for an anchor (`config.network.ingress[0].source_ips` → `field-config-network-ingress-0-source_ips`). */
export function fieldId(anchor: string): string {
  return `field-${anchor.replace(/[^a-zA-Z0-9_]+/g, "-").replace(/-$/, "")}`;
}
