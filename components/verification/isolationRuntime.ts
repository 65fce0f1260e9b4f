/**
 * What the isolation-verification provider does, loaded by path in the provider host (see
 * providerRuntime/runtimeModule.ts): probe every store, then record the outcome in the registry.
 */
import { TenantRegistry } from "../../controlplane";
import { credentialsIn, redactor } from "../../domain/redaction";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";
import { recordFailure, STACK_ACTOR } from "../registry/writeBack";
import type { ProbeResult } from "./probeTypes";
import { IsolationVerificationError, verifyIsolation, type IsolationCheckInput } from "./verifyIsolation";

/**
 * Runs the probes with every credential of `input` blanked out of what they report: a store (or a
 * proxy in front of it) may echo the credential it refused in its answer, and that answer is the
 * evidence of the audit event and the text of the error. What leaves here (audit details, the
 * error the engine reports, with its stack) never holds one.
 */
export async function verifyRedacted(input: IsolationCheckInput): Promise<ProbeResult[]> {
  const redact = redactor(credentialsIn(input));
  const clean = (results: readonly ProbeResult[]) => results.map((result) => ({ ...result, evidence: redact(result.evidence) }));
  try {
    return clean(await verifyIsolation(input));
  } catch (error) {
    if (error instanceof IsolationVerificationError) throw new IsolationVerificationError(error.tenantId, clean(error.results));
    throw redactedError(error, redact);
  }
}

/**
 * The same error (its type kept) with its message and stack redacted, and so the errors it
 * aggregates; its cause is dropped, as the provider host prints what it is given.
 */
function redactedError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof Error)) return new Error(redact(String(error)));
  error.message = redact(error.message);
  if (error.stack !== undefined) error.stack = redact(error.stack);
  delete (error as { cause?: unknown }).cause;
  if (error instanceof AggregateError) for (const inner of error.errors) redactedError(inner, redact);
  return error;
}

/** Runs the probes; on success writes TENANT_ISOLATION_VERIFIED, on failure moves the tenant to FAILED and rethrows. */
export async function verifyAndRecord(controlPlaneDbUrl: string, input: IsolationCheckInput): Promise<void> {
  let results: ProbeResult[];
  try {
    results = await verifyRedacted(input);
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
