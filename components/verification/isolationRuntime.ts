/**
 * What the isolation-verification provider does, loaded by path in the provider host (see
 * providerRuntime/runtimeModule.ts): probe every store, then record the outcome in the registry.
 */
import { TenantRegistry } from "../../controlplane";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";
import { recordFailure, STACK_ACTOR } from "../registry/writeBack";
import { IsolationVerificationError, verifyIsolation, type IsolationCheckInput } from "./verifyIsolation";

/** Runs the probes; on success writes TENANT_ISOLATION_VERIFIED, on failure moves the tenant to FAILED and rethrows. */
export async function verifyAndRecord(controlPlaneDbUrl: string, input: IsolationCheckInput): Promise<void> {
  let results: Awaited<ReturnType<typeof verifyIsolation>>;
  try {
    results = await verifyIsolation(input);
  } catch (error) {
    if (error instanceof IsolationVerificationError) {
      const failure = {
        tenantId: input.tenantId,
        operation: "verify-isolation",
        resourceType: "pulumi-nodejs:dynamic/frostbyte:TenantIsolationVerification",
        resourceName: input.tenantId,
        error: error.message,
      };
      await withControlPlane(controlPlaneDbUrl, (pool) => recordFailure(pool, failure));
    }
    throw error;
  }
  await withControlPlane(controlPlaneDbUrl, (pool) =>
    new TenantRegistry(pool).recordEvent(input.tenantId, {
      eventType: "TENANT_ISOLATION_VERIFIED",
      actor: STACK_ACTOR,
      resourceType: "tenant",
      resourceId: input.tenantId,
      details: { stores: Object.fromEntries(results.map((r) => [r.store, r.evidence])) },
    }),
  );
}
