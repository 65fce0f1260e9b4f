import { StoreTimeoutError } from "../timeBounds";

/** What one store's isolation probe found, with the tenant's own credentials. Never holds a secret. */
export interface ProbeResult {
  readonly store: "postgres" | "minio" | "redis" | "qdrant";
  /** The tenant reached its own namespace. */
  readonly ownAllowed: boolean;
  /** The tenant was refused on the neighbouring namespace. */
  readonly foreignDenied: boolean;
  /** What the store answered, for the audit event. */
  readonly evidence: string;
}

export { ISOLATION_PROBE_TENANT_ID } from "../../domain";

/**
 * A call that ran out of time proves neither access nor refusal: it ends the probe (rethrown by
 * {@link refusal} and {@link success}) instead of becoming evidence.
 */
function rethrowTimeout(error: unknown): void {
  if (error instanceof StoreTimeoutError) throw error;
}

/** Runs `attempt`; a refusal is the expected outcome, so it comes back as text rather than an error. */
export async function refusal(attempt: () => Promise<unknown>): Promise<{ denied: boolean; evidence: string }> {
  try {
    await attempt();
    return { denied: false, evidence: "allowed" };
  } catch (error) {
    rethrowTimeout(error);
    return { denied: true, evidence: (error as Error).message.split("\n")[0] ?? "refused" };
  }
}

/** Runs `attempt` on the tenant's own namespace; an error here means the credentials don't work. */
export async function success(attempt: () => Promise<unknown>): Promise<{ allowed: boolean; evidence: string }> {
  try {
    await attempt();
    return { allowed: true, evidence: "allowed" };
  } catch (error) {
    rethrowTimeout(error);
    return { allowed: false, evidence: (error as Error).message.split("\n")[0] ?? "failed" };
  }
}
