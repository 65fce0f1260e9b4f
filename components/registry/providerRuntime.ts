/**
 * What the write-back providers do, as plain functions of the control-plane URL. The providers load
 * this module by path in the provider host (see providerRuntime/runtimeModule.ts).
 */
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

export const startProvisioning = (url: string, start: ProvisioningStart) => withControlPlane(url, (pool) => beginProvisioning(pool, start));
export const finishProvisioning = (url: string, result: ProvisioningResult) => withControlPlane(url, (pool) => completeProvisioning(pool, result));
export const startDeprovisioning = (url: string, tenantId: string) => withControlPlane(url, (pool) => beginDeprovisioning(pool, tenantId));
export const finishDeprovisioning = (url: string, tenantId: string, details: JsonObject) => withControlPlane(url, (pool) => completeDeprovisioning(pool, tenantId, details));

/**
 * The tenant's registry state as a diff sees it, or undefined when it can't be read. A diff must
 * not fail a preview that cannot reach the control plane (a pull-request preview, say); the
 * create/update that follows reaches it or fails loudly.
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
    });
  } catch {
    return undefined;
  }
}
