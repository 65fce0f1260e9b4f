/**
 * A tenant's last drift check (a scheduled `pulumi preview --refresh`, or `frostbyte fleet drift`):
 * its result as a badge whose colour only repeats the text, when it ran, and what changed or why
 * it failed. A tenant never checked says so in words, never as a blank.
 */
import type { TenantView } from "../api/types";
import { timeOf } from "../format";

export type Drift = TenantView["drift"];

const LABEL = { in_sync: "in sync", drifted: "drifted", failed: "check failed" } as const;

/** `update 1, delete 2`: the steps `up --refresh` would take, by kind. */
export function changesOf(changes: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(changes ?? {})
    .map(([step, count]) => `${step} ${count}`)
    .join(", ");
}

export function DriftBadge({ drift }: { drift: Drift }) {
  if (drift === null) return <span class="badge badge-never">never checked</span>;
  return <span class={`badge badge-drift-${drift.result}`}>{LABEL[drift.result]}</span>;
}

/** The badge and the check's time on one line, for a table cell. */
export function DriftCell({ drift }: { drift: Drift }) {
  return (
    <>
      <DriftBadge drift={drift} />
      {drift ? <span class="hint"> {timeOf(drift.checkedAt)}</span> : null}
    </>
  );
}

/** The full status, for the tenant page: result, time, and the changes or the (redacted) error. */
export function DriftStatus({ drift }: { drift: Drift }) {
  return (
    <span id="drift-status">
      <DriftCell drift={drift} />
      {drift?.result === "drifted" ? <span class="drift-changes"> — changes found: {changesOf(drift.changes)}</span> : null}
      {drift?.result === "failed" && drift.error ? <span class="error-text drift-error"> — {drift.error}</span> : null}
    </span>
  );
}
