/**
 * An engine cancelled at its operation's deadline calls no error hook (nothing failed to apply), so
 * the stack's write-back never hears of it: the tenant would stay PROVISIONING or DEPROVISIONING.
 * This records it the way the error hook records a failed step: → FAILED with TENANT_PROVISION_FAILED
 * naming the stack and the deadline, for every caller of the stacks layer (portal, CLI, fleet). A
 * control plane that does not answer is retried for 30 s more, and no longer (even with
 * connect_timeout=0 in its URL): the portal records its operations' failures itself as well.
 */
import { retryControlPlane, withControlPlanePool } from "../controlplane";
import { recordFailure } from "../components/registry/writeBack";
import type { TenantState } from "../domain";

/** How long past the deadline the registry may take to record it, retries included. */
const SETTLE_WAIT_MS = 30_000;

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
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the control plane did not answer within ${SETTLE_WAIT_MS / 1000} s`)), SETTLE_WAIT_MS);
  });
  try {
    return await Promise.race([retryControlPlane(record, { until: Date.now() + SETTLE_WAIT_MS, signal: stop.signal }), gaveUp]);
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}
