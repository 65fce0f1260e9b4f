/**
 * Start-up recovery: an operation still queued or running when the portal starts was interrupted
 * by a restart (the single-instance lock guarantees no other portal runs it). Each one is failed,
 * never lost: its tenant is settled first (PROVISIONING/DEPROVISIONING → FAILED with
 * TENANT_PROVISION_FAILED naming the restart), then the operation is marked failed, so a crash in
 * between is repaired by the next start. The stale lock a killed `pulumi` left on the tenant's
 * stack is cleared, or every later operation on it would be refused as "locked".
 */
import type pg from "pg";
import { activeOperations, markFailed, type Operation, type TenantRegistry } from "../../controlplane";
import { TenantStackNotFoundError } from "../../stacks";
import { settleFailedOperation } from "./settle";
import type { OperationStacks } from "./stacks";

/** The error every interrupted operation ends with. */
export const INTERRUPTED_BY_RESTART = "interrupted by a portal restart";

/** What recovery did to one operation. */
export interface RecoveredOperation {
  readonly operation: Operation;
  /** The tenant's state afterwards (undefined when the tenant is gone). */
  readonly tenantState: string | undefined;
  /** Why the stack's stale lock could not be cleared, when it could not. */
  readonly staleLockError?: string;
}

/** Fails every operation left queued or running; returns them as they are now. */
export async function recoverInterruptedOperations(
  pool: pg.Pool,
  registry: TenantRegistry,
  stacks: OperationStacks,
  actor: string,
): Promise<RecoveredOperation[]> {
  const recovered: RecoveredOperation[] = [];
  for (const interrupted of await activeOperations(pool)) {
    const tenantState = await settleFailedOperation(registry, interrupted, INTERRUPTED_BY_RESTART, actor);
    const operation = await markFailed(pool, interrupted.operationId, INTERRUPTED_BY_RESTART, tenantState === undefined ? null : { tenantState });
    const staleLockError = interrupted.state === "running" ? await clearStaleLock(stacks, interrupted.tenantId) : undefined;
    recovered.push({ operation, tenantState, ...(staleLockError ? { staleLockError } : {}) });
  }
  return recovered;
}

/** Clears the stack's lock; returns why it could not (a missing stack has no lock to clear). */
async function clearStaleLock(stacks: OperationStacks, tenantId: string): Promise<string | undefined> {
  const reservation = stacks.reserve(tenantId, "start-up recovery");
  try {
    await stacks.cancelStaleUpdate(reservation);
    return undefined;
  } catch (error) {
    return error instanceof TenantStackNotFoundError ? undefined : error instanceof Error ? error.message : String(error);
  } finally {
    reservation.release();
  }
}
