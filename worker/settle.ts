/**
 * What the registry records when an operation ends and the stack's program could not record it
 * itself: a failure before or outside the program's own write-back (the engine could not even load
 * a plugin, the portal restarted), or a deprovisioning of a stack that held no write-back resources.
 * Every change goes through TenantRegistry.transition, so each writes its §5 event. Each function
 * reads the tenant's state first and acts from it, so the runner may run it again when the control
 * plane lost its answer (bookkeeping.ts): a change that was committed is not made twice.
 */
import { TenantNotFoundError, type Operation, type TenantRegistry } from "../controlplane";
import type { JsonObject, TenantState } from "../domain";

/** Kinds whose `up` provisions a PENDING tenant. */
const PROVISIONING_KINDS: ReadonlySet<string> = new Set(["provision", "update_config"]);

/**
 * Records a failed operation on its tenant:
 * - PROVISIONING or DEPROVISIONING → FAILED, TENANT_PROVISION_FAILED naming the error;
 * - PENDING, when a provisioning `up` had started but failed before the program recorded its start
 *   → PROVISIONING → FAILED, so the history shows the attempt and its error;
 * - any other state is left as it is (FAILED: the program's error hook recorded it; ACTIVE or
 *   SUSPENDED: nothing changed), the operation row holds the error.
 * Returns the tenant's state afterwards, or undefined when the tenant is gone.
 */
export async function settleFailedOperation(registry: TenantRegistry, operation: Operation, error: string, actor: string): Promise<TenantState | undefined> {
  let state: TenantState;
  try {
    state = (await registry.getTenant(operation.tenantId)).state;
  } catch (caught) {
    if (caught instanceof TenantNotFoundError) return undefined;
    throw caught;
  }
  const details: JsonObject = { operation_id: operation.operationId, operation: operation.kind, error };
  if (state === "PENDING" && PROVISIONING_KINDS.has(operation.kind) && operation.startedAt !== null) {
    await registry.transition(operation.tenantId, "PROVISIONING", {
      actor,
      details: { operation_id: operation.operationId, note: "the deployment failed before the stack recorded its start" },
    });
    state = "PROVISIONING";
  }
  if (state === "PROVISIONING" || state === "DEPROVISIONING") {
    return (await registry.transition(operation.tenantId, "FAILED", { actor, details })).tenant.state;
  }
  return state;
}

/**
 * After a successful destroy (and stack removal), closes the tenant's lifecycle when the program's
 * write-back did not (it never created those resources, or the tenant had no stack at all):
 * PENDING → DEPROVISIONED; ACTIVE, SUSPENDED, FAILED → DEPROVISIONING → DEPROVISIONED;
 * DEPROVISIONING → DEPROVISIONED. Returns the final state.
 */
export async function completeDeprovisioning(registry: TenantRegistry, operation: Operation, actor: string, note: string): Promise<TenantState> {
  const details: JsonObject = { operation_id: operation.operationId, note };
  let state = (await registry.getTenant(operation.tenantId)).state;
  if (state === "ACTIVE" || state === "SUSPENDED" || state === "FAILED") {
    state = (await registry.transition(operation.tenantId, "DEPROVISIONING", { actor, details })).tenant.state;
  }
  if (state === "PENDING" || state === "DEPROVISIONING") {
    state = (await registry.transition(operation.tenantId, "DEPROVISIONED", { actor, details })).tenant.state;
  }
  if (state !== "DEPROVISIONED") throw new Error(`tenant "${operation.tenantId}" is ${state} after its stack was destroyed; expected DEPROVISIONED`);
  return state;
}
