/**
 * What the isolation-verification provider does, loaded by path in the provider's own process (see
 * registry/providerRuntime.ts for why): probe every store, then record the outcome in the registry.
 */
import { createControlPlanePool, TenantRegistry } from "../../controlplane";
import { recordFailure, STACK_ACTOR } from "../registry/writeBack";
import { IsolationVerificationError, verifyIsolation, type IsolationCheckInput } from "./verifyIsolation";

/** Runs the probes; on success writes TENANT_ISOLATION_VERIFIED, on failure moves the tenant to FAILED and rethrows. */
export async function verifyAndRecord(controlPlaneDbUrl: string | undefined, input: IsolationCheckInput): Promise<void> {
  if (!controlPlaneDbUrl) throw new Error("the isolation verification provider was not configured: frostbyte:controlPlaneDbUrl is missing");
  const pool = createControlPlanePool(controlPlaneDbUrl, { max: 2 });
  try {
    try {
      const results = await verifyIsolation(input);
      await new TenantRegistry(pool).recordEvent(input.tenantId, {
        eventType: "TENANT_ISOLATION_VERIFIED",
        actor: STACK_ACTOR,
        resourceType: "tenant",
        resourceId: input.tenantId,
        details: { stores: Object.fromEntries(results.map((r) => [r.store, r.evidence])) },
      });
    } catch (error) {
      if (error instanceof IsolationVerificationError) {
        await recordFailure(pool, {
          tenantId: input.tenantId,
          operation: "verify-isolation",
          resourceType: "pulumi-nodejs:dynamic/frostbyte:TenantIsolationVerification",
          resourceName: input.tenantId,
          error: error.message,
        });
      }
      throw error;
    }
  } finally {
    await pool.end();
  }
}
