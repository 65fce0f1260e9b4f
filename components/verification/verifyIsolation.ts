import { tenantNames } from "../../domain";
import { PROBE_CALL_TIMEOUT_MS } from "../timeBounds";
import { probeMinio } from "./minioProbe";
import { probePostgres } from "./postgresProbe";
import { ISOLATION_PROBE_TENANT_ID, type ProbeResult } from "./probeTypes";
import { probeQdrant } from "./qdrantProbe";
import { probeRedis } from "./redisProbe";

/** Where the tenant's stores are and the tenant's own credentials for them. */
export interface IsolationCheckInput {
  readonly tenantId: string;
  readonly postgres: { readonly host: string; readonly port: number; readonly sslmode: string; readonly user: string; readonly password: string };
  readonly minio: { readonly endpoint: string; readonly ssl: boolean; readonly accessKey: string; readonly secretKey: string };
  readonly redis: { readonly url: string; readonly user: string; readonly password: string };
  readonly qdrant: { readonly url: string; readonly token: string };
}

/** Thrown when a tenant's credentials reach another namespace, or fail on its own. */
export class IsolationVerificationError extends Error {
  constructor(readonly tenantId: string, readonly results: readonly ProbeResult[]) {
    const failed = results.filter((r) => !r.ownAllowed || !r.foreignDenied);
    super(
      `tenant "${tenantId}": isolation verification failed on ${failed
        .map((r) => `${r.store} (${!r.foreignDenied ? "reached the neighbouring namespace" : "own namespace unreachable"}: ${r.evidence})`)
        .join("; ")}`,
    );
    this.name = "IsolationVerificationError";
  }
}

/**
 * Proves DESIGN §2 with the tenant's own credentials: each store lets the tenant into its own
 * namespace and refuses it on the neighbouring one (the reserved tenant id's). Returns the
 * per-store evidence, or throws {@link IsolationVerificationError}. Each call of a probe waits at
 * most `timeoutMs` for an answer; a probe that gives up proves nothing, so its StoreTimeoutError is
 * thrown (once every probe has ended, so none is left running), several at once as one error.
 */
export async function verifyIsolation(input: IsolationCheckInput, timeoutMs: number = PROBE_CALL_TIMEOUT_MS): Promise<ProbeResult[]> {
  const own = tenantNames(input.tenantId);
  const neighbour = tenantNames(ISOLATION_PROBE_TENANT_ID);
  const settled = await Promise.allSettled([
    probePostgres({ ...input.postgres, ownDatabase: own.postgres.database, foreignDatabase: neighbour.postgres.database, timeoutMs }),
    probeMinio({ ...input.minio, ownBucket: own.minio.bucket, foreignBucket: neighbour.minio.bucket, timeoutMs }),
    probeRedis({ ...input.redis, ownPrefix: own.redis.keyPattern.slice(1, -1), foreignPrefix: neighbour.redis.keyPattern.slice(1, -1), timeoutMs }),
    probeQdrant({ ...input.qdrant, ownCollection: own.qdrant.collection, foreignCollection: neighbour.qdrant.collection, timeoutMs }),
  ]);
  const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    throw new AggregateError(failures, `tenant "${input.tenantId}": isolation verification could not finish: ${reasons.join("; ")}`);
  }
  const results = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  if (results.some((r) => !r.ownAllowed || !r.foreignDenied)) throw new IsolationVerificationError(input.tenantId, results);
  return results;
}
