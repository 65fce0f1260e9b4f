import { QdrantClient } from "@qdrant/js-client-rest";
import { readTokenGrant } from "../../../components/qdrant";
import { Client as MinioClient } from "minio";
import pg from "pg";
import { createClient } from "redis";
import type { TenantCredentials, TenantEndpoints } from "../../../components";
import type { LocalEnvironment } from "./localEnvironment";
import { tenantKeysLeft } from "./redisKeys";

/** What one tenant's credentials can do against another tenant's namespace, and its own, per store. */
export interface ReachReport {
  readonly postgres: boolean;
  readonly minio: boolean;
  readonly redis: boolean;
  readonly qdrant: boolean;
}

/** Runs `work`: true when it succeeded, false when the store refused it (or anything else failed). */
export const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
  try {
    await work();
    return true;
  } catch {
    return false;
  }
};

/**
 * Uses `credentials` (one tenant's) against `target`'s namespaces (its own or another tenant's):
 * connect to the database, write an object, write a key, count the collection.
 */
export async function reach(env: LocalEnvironment, credentials: TenantCredentials, target: TenantEndpoints): Promise<ReachReport> {
  const [postgres, minio, redis, qdrant] = await Promise.all([
    attempt(async () => {
      const client = new pg.Client({ host: "127.0.0.1", port: env.postgres.port, user: credentials.postgres.user, password: credentials.postgres.password, database: target.postgres.database });
      await client.connect();
      await client.end();
    }),
    attempt(async () => {
      const client = new MinioClient({ endPoint: "127.0.0.1", port: env.minio.port, useSSL: false, accessKey: credentials.minio.accessKey, secretKey: credentials.minio.secretKey, pathStyle: true });
      await client.putObject(target.minio.bucket, "reach-check", Buffer.from("x"));
    }),
    attempt(async () => {
      const client = createClient({ url: env.redis.url, username: credentials.redis.user, password: credentials.redis.password, socket: { reconnectStrategy: false } });
      client.on("error", () => undefined);
      await client.connect();
      try {
        await client.set(`${target.redis.pattern.slice(1, -1)}reach-check`, "x");
      } finally {
        await client.close();
      }
    }),
    attempt(() => new QdrantClient({ url: env.qdrant.url, apiKey: credentials.qdrant.token, checkCompatibility: false }).count(target.qdrant.collection)),
  ]);
  return { postgres, minio, redis, qdrant };
}

/** What is left of a tenant on the real stores (all false once it is destroyed). */
export async function leftovers(env: LocalEnvironment, tenantId: string, credentials: TenantCredentials): Promise<Record<string, boolean>> {
  const underscored = tenantId.replace(/-/g, "_");
  const dbs = await env.postgres.query("SELECT 1 FROM pg_database WHERE datname = $1", [`tenant_${underscored}`]);
  const roles = await env.postgres.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [`tenant_${underscored}_app`]);
  const root = new MinioClient({ endPoint: "127.0.0.1", port: env.minio.port, useSSL: false, accessKey: env.minio.rootUser, secretKey: env.minio.rootPassword, pathStyle: true });
  const admin = createClient({ url: env.redis.url, username: env.redis.adminUser, password: env.redis.adminPassword });
  await admin.connect();
  const aclUsers = (await admin.sendCommand<string[]>(["ACL", "USERS"])) ?? [];
  const redisKeys = (await tenantKeysLeft(admin, tenantId)) > 0;
  await admin.close();
  const qdrant = new QdrantClient({ url: env.qdrant.url, apiKey: env.qdrantApiKey, checkCompatibility: false });
  return {
    database: (dbs.rowCount ?? 0) > 0,
    role: (roles.rowCount ?? 0) > 0,
    bucket: await root.bucketExists(`tenant-${tenantId}`),
    // MinIO's IAM users are only listed by its admin API; a deleted user's key is simply unknown.
    minioUser: await minioKeyKnown(env, credentials),
    redisUser: aclUsers.includes(`tenant-${tenantId}`),
    redisKeys,
    collection: (await qdrant.collectionExists(`tenant_${underscored}`)).exists,
    qdrantGrant: (await readTokenGrant({ url: env.qdrant.url, apiKey: env.qdrantApiKey }, tenantId)) !== undefined,
  };
}

async function minioKeyKnown(env: LocalEnvironment, credentials: TenantCredentials): Promise<boolean> {
  const client = new MinioClient({ endPoint: "127.0.0.1", port: env.minio.port, useSSL: false, accessKey: credentials.minio.accessKey, secretKey: credentials.minio.secretKey, pathStyle: true });
  try {
    await client.listBuckets();
    return true;
  } catch (error) {
    return !/InvalidAccessKeyId|Access Key Id you provided does not exist/i.test(String((error as { code?: string }).code ?? (error as Error).message));
  }
}
