/**
 * Which tenants `fleet preview` need not run (pure): a tenant whose deployment fingerprint (its
 * registry desired state, the base config and the program build: stacks/deploymentFingerprint.ts)
 * is the one recorded at its last successful `up` has nothing for `up` to change, since a preview
 * does not refresh and only an `up` changes the stack's state. It is reported `unchanged` without
 * an operation. Never skipped: a tenant that is not settled (FAILED, PROVISIONING), one with no
 * recorded up, and one whose recorded up was followed by another stack-changing operation (failed,
 * queued or running). Drift is never skipped: it reads the stores.
 */
import type { AppliedDeployment, Tenant } from "../controlplane";
import type { TenantState } from "../domain";

/** States in which the last successful `up` is what the stack holds. */
const SETTLED: ReadonlySet<TenantState> = new Set(["ACTIVE", "SUSPENDED"]);

/** Why the tenant's preview can be skipped (the message its report carries), or undefined when it must run. */
export function unchangedSinceApplied(tenant: Tenant, fingerprint: string, applied: AppliedDeployment | undefined): string | undefined {
  if (applied === undefined || applied.superseded || !SETTLED.has(tenant.state) || applied.fingerprint !== fingerprint) return undefined;
  // Short enough for the summary table's message column (MAX_TABLE_MESSAGE): the operation says the rest.
  return `not run: unchanged since its last up, operation ${applied.operationId}`;
}
