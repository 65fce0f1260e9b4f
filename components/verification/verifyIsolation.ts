import { tenantNames } from "../../domain";
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
 * per-store evidence, or throws {@link IsolationVerificationError}.
 */
export async function verifyIsolation(input: IsolationCheckInput): Promise<ProbeResult[]> {
  const own = tenantNames(input.tenantId);
  const neighbour = tenantNames(ISOLATION_PROBE_TENANT_ID);
  const results = await Promise.all([
    probePostgres({ ...input.postgres, ownDatabase: own.postgres.database, foreignDatabase: neighbour.postgres.database }),
    probeMinio({ ...input.minio, ownBucket: own.minio.bucket, foreignBucket: neighbour.minio.bucket }),
    probeRedis({ ...input.redis, ownPrefix: own.redis.keyPattern.slice(1, -1), foreignPrefix: neighbour.redis.keyPattern.slice(1, -1) }),
    probeQdrant({ ...input.qdrant, ownCollection: own.qdrant.collection, foreignCollection: neighbour.qdrant.collection }),
  ]);
  if (results.some((r) => !r.ownAllowed || !r.foreignDenied)) throw new IsolationVerificationError(input.tenantId, results);
  return results;
}
