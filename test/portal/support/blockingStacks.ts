/**
 * TEST DOUBLE of the tenant stacks: like the contract test's {@link EngineFreeStacks} (no Pulumi
 * engine, every other operation fails at once), except that a preview emits one progress event and
 * then runs until it is cancelled. Its operation stays running, so an event stream on it stays open
 * for as long as a test needs.
 */
import type { OperationStacks } from "../../../worker";
import type { OperationHooks, StackOperationOutcome, TenantDesiredState, TenantReservation } from "../../../stacks";
import { EngineFreeStacks } from "../../contract/support/engineFreeStacks";

function blockUntilCancelled(hooks: OperationHooks): Promise<StackOperationOutcome> {
  return new Promise((_resolve, reject) => {
    hooks.onProgress?.({ type: "step", step: "preview-started" });
    const signal = hooks.signal;
    if (signal === undefined) return reject(new Error("test double: a blocking preview needs a signal to end it"));
    if (signal.aborted) return reject(new Error("cancelled"));
    signal.addEventListener("abort", () => reject(new Error("cancelled")), { once: true });
  });
}

export function blockingStacks(): OperationStacks {
  const base = new EngineFreeStacks();
  return {
    reserve: (tenantId: string, holder: string) => base.reserve(tenantId, holder),
    redact: base.redact,
    provision: base.provision,
    updateConfig: base.updateConfig,
    updateRefreshed: base.updateRefreshed,
    suspend: base.suspend,
    resume: base.resume,
    deprovision: base.deprovision,
    cancelStaleUpdate: base.cancelStaleUpdate,
    previewRefreshed: base.previewRefreshed,
    assertDeployed: base.assertDeployed,
    preview: (_reservation: TenantReservation, _desired: TenantDesiredState, hooks: OperationHooks = {}) => blockUntilCancelled(hooks),
  };
}
