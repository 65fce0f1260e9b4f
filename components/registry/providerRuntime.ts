/**
 * What the write-back providers do, as plain functions of the control-plane URL. The providers load
 * this module by path in their own process instead of capturing it: capturing would serialise the
 * registry, zod schemas and pg by value into every resource's state.
 */
import type pg from "pg";
import { createControlPlanePool, explainConnectTimeout, TenantNotFoundError, TenantRegistry, type JsonObject, type TenantState } from "../../controlplane";
import {
  beginDeprovisioning,
  beginProvisioning,
  completeDeprovisioning,
  completeProvisioning,
  type ProvisioningResult,
  type ProvisioningStart,
} from "./writeBack";

/** Runs `work` with a short-lived pool that is always closed. */
async function withControlPlane<T>(url: string | undefined, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  if (!url) throw new Error("the registry write-back provider was not configured: frostbyte:controlPlaneDbUrl is missing");
  const pool = createControlPlanePool(url, { max: 2 });
  try {
    return await work(pool);
  } catch (error) {
    throw explainConnectTimeout(error, url, "frostbyte:controlPlaneDbUrl");
  } finally {
    await pool.end();
  }
}

export const startProvisioning = (url: string | undefined, start: ProvisioningStart) => withControlPlane(url, (pool) => beginProvisioning(pool, start));
export const finishProvisioning = (url: string | undefined, result: ProvisioningResult) => withControlPlane(url, (pool) => completeProvisioning(pool, result));
export const startDeprovisioning = (url: string | undefined, tenantId: string) => withControlPlane(url, (pool) => beginDeprovisioning(pool, tenantId));
export const finishDeprovisioning = (url: string | undefined, tenantId: string, details: JsonObject) =>
  withControlPlane(url, (pool) => completeDeprovisioning(pool, tenantId, details));

/**
 * The tenant's registry state as a diff sees it, or undefined when it can't be read. A diff must
 * not fail a preview that cannot reach the control plane (a pull-request preview, say); the
 * create/update that follows reaches it or fails loudly.
 */
export async function registryState(url: string | undefined, tenantId: string): Promise<TenantState | "MISSING" | undefined> {
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
