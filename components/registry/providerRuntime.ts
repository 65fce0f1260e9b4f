/**
 * What the write-back providers do, as plain functions of the control-plane URL. The providers load
 * this module by path in the provider host (see providerRuntime/runtimeModule.ts).
 */
import { randomUUID } from "node:crypto";
import { TenantNotFoundError, TenantRegistry } from "../../controlplane";
import type { JsonObject, TenantState } from "../../domain";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";
import {
  beginDeprovisioning,
  beginProvisioning,
  completeDeprovisioning,
  completeProvisioning,
  type ProvisioningResult,
  type ProvisioningStart,
} from "./writeBack";

/** One request id for every attempt of one start, so a retry finds the start an earlier attempt committed. */
export const startProvisioning = (url: string, start: ProvisioningStart) => {
  const requestId = randomUUID();
  return withControlPlane(url, (pool) => beginProvisioning(pool, start, requestId));
};
export const finishProvisioning = (url: string, result: ProvisioningResult) => withControlPlane(url, (pool) => completeProvisioning(pool, result));
export const startDeprovisioning = (url: string, tenantId: string) => withControlPlane(url, (pool) => beginDeprovisioning(pool, tenantId));
export const finishDeprovisioning = (url: string, tenantId: string, details: JsonObject) => withControlPlane(url, (pool) => completeDeprovisioning(pool, tenantId, details));

/**
 * The tenant's registry state as a diff sees it, or undefined when it can't be read. A diff must
 * not fail a preview that cannot reach the control plane (a pull-request preview, say); the
 * create/update that follows reaches it (retrying a control plane that does not answer) or fails
 * loudly; the diff itself does not wait for it.
 */
export async function registryState(url: string, tenantId: string): Promise<TenantState | "MISSING" | undefined> {
  try {
    return await withControlPlane(url, async (pool) => {
      try {
        return (await new TenantRegistry(pool).getTenant(tenantId)).state;
      } catch (error) {
        if (error instanceof TenantNotFoundError) return "MISSING" as const;
        throw error;
      }
    }, { retry: false });
  } catch {
    return undefined;
  }
}
