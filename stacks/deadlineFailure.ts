/**
 * An engine cancelled at its operation's deadline calls no error hook (nothing failed to apply), so
 * the stack's write-back never hears of it: the tenant would stay PROVISIONING or DEPROVISIONING.
 * This records it the way the error hook records a failed step: → FAILED with TENANT_PROVISION_FAILED
 * naming the stack and the deadline, for every caller of the stacks layer (portal, CLI, fleet). A
 * control plane that does not answer is retried for a minute more.
 */
import { retryControlPlane, withControlPlanePool } from "../controlplane";
import { recordFailure } from "../components/registry/writeBack";
import type { TenantState } from "../domain";

/** How long past the deadline the registry is retried for the record. */
const SETTLE_RETRY_MS = 60_000;

/** What the engine was doing when its deadline passed. */
export interface DeadlineFailure {
  readonly tenantId: string;
  readonly stackName: string;
  readonly command: "up" | "destroy";
  /** The deadline's error text, redacted. */
  readonly error: string;
}

/** Moves the tenant the cancelled run left PROVISIONING or DEPROVISIONING to FAILED; returns its state afterwards. */
export async function settleDeadlineFailure(controlPlaneDbUrl: string, failure: DeadlineFailure): Promise<TenantState | undefined> {
  const record = () =>
    withControlPlanePool(controlPlaneDbUrl, { max: 1, applicationName: "frostbyte-deadline-failure", setting: "frostbyte:controlPlaneDbUrl" }, (pool) =>
      recordFailure(pool, { tenantId: failure.tenantId, operation: failure.command, resourceType: "pulumi:pulumi:Stack", resourceName: failure.stackName, error: failure.error }),
    );
  return retryControlPlane(record, { until: Date.now() + SETTLE_RETRY_MS });
}
