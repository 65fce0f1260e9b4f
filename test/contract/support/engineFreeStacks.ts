/**
 * TEST DOUBLE of the tenant stacks for the portal's contract test: it runs no Pulumi engine. It
 * reserves tenants with the stacks layer's real TenantLocks (so a busy tenant is refused as in
 * production), and every stack operation fails at once with {@link ENGINE_FREE_ERROR}. The worker's
 * real runner then does what it does for any failed operation: the operation ends `failed`, and a
 * tenant left PENDING or PROVISIONING is recorded FAILED with TENANT_PROVISION_FAILED. So every
 * route that starts an operation answers as it does in production, within milliseconds, and the
 * registry stays consistent; the real engine behind these routes is tested in test/portal/ and e2e.
 */
import { TenantLocks, type TenantReservation } from "../../../stacks";
import type { OperationStacks } from "../../../worker";

/** The error every operation of the double fails with. */
export const ENGINE_FREE_ERROR = "test double: the contract test runs no Pulumi engine";

const refuse = (): Promise<never> => Promise.reject(new Error(ENGINE_FREE_ERROR));

export class EngineFreeStacks implements OperationStacks {
  private readonly locks = new TenantLocks();
  /** How many stack operations were asked of the double (the test checks that routes reached it). */
  operations = 0;

  reserve(tenantId: string, holder: string): TenantReservation {
    return this.locks.reserve(tenantId, holder);
  }

  readonly redact = (text: string): string => text;

  provision = (): Promise<never> => this.refused();
  updateConfig = (): Promise<never> => this.refused();
  updateRefreshed = (): Promise<never> => this.refused();
  preview = (): Promise<never> => this.refused();
  previewRefreshed = (): Promise<never> => this.refused();
  suspend = (): Promise<never> => this.refused();
  resume = (): Promise<never> => this.refused();
  deprovision = (): Promise<never> => this.refused();

  /** The double keeps no stacks: every tenant counts as deployed, and its operation fails at once anyway. */
  assertDeployed = (): Promise<void> => Promise.resolve();

  /** A takeover clears a stale lock; the double has no stacks, so there is none. */
  cancelStaleUpdate = (): Promise<void> => Promise.resolve();

  private refused(): Promise<never> {
    this.operations += 1;
    return refuse();
  }
}
