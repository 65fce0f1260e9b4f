/**
 * The offline stores as a client on the engine host sees them: only through the ports published on
 * 127.0.0.1 (the tenants' endpoints, or the admin credentials at the same addresses).
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import { Client as MinioClient } from "minio";
import pg from "pg";
import { createClient } from "redis";
import type { TenantCredentials, TenantEndpoints } from "../../../components";
import { readTokenGrant } from "../../../components/qdrant";
import type { OfflineEnvironment } from "./offlineEnvironment";
import { tenantKeysLeft } from "./redisKeys";
import { attempt } from "./storeChecks";

/** Per store: whether the credentials could use the target namespace. */
export interface ReachReport {
  readonly postgres: boolean;
  readonly minio: boolean;
  readonly redis: boolean;
  readonly qdrant: boolean;
}

const hostAndPort = (endpoint: string) => {
  const [host, port] = endpoint.split(":");
  return { host: host!, port: Number(port) };
};

/**
 * Uses one tenant's credentials against `target`'s namespaces, at the addresses `target` publishes:
 * log in to the database and write a row, write an object, write a key, count the collection.
 */
export async function reach(credentials: TenantCredentials, target: TenantEndpoints): Promise<ReachReport> {
  const minioAt = hostAndPort(target.minio.endpoint);
  const [postgres, minio, redis, qdrant] = await Promise.all([
    attempt(async () => {
      const client = new pg.Client({ ...target.postgres, user: credentials.postgres.user, password: credentials.postgres.password, connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        await client.query("CREATE TABLE IF NOT EXISTS reach_check (at timestamptz DEFAULT now())");
        await client.query("INSERT INTO reach_check DEFAULT VALUES");
      } finally {
        await client.end();
      }
    }),
    attempt(async () => {
      const client = new MinioClient({ endPoint: minioAt.host, port: minioAt.port, useSSL: false, accessKey: credentials.minio.accessKey, secretKey: credentials.minio.secretKey, pathStyle: true });
      await client.putObject(target.minio.bucket, "reach-check", Buffer.from("x"));
    }),
    attempt(async () => {
      const client = createClient({ url: target.redis.url, username: credentials.redis.user, password: credentials.redis.password, socket: { reconnectStrategy: false } });
      client.on("error", () => undefined);
      await client.connect();
      try {
        await client.set(`${target.redis.pattern.slice(1, -1)}reach-check`, "x");
      } finally {
        await client.close();
      }
    }),
    attempt(() => new QdrantClient({ url: target.qdrant.url, apiKey: credentials.qdrant.token, checkCompatibility: false }).count(target.qdrant.collection)),
  ]);
  return { postgres, minio, redis, qdrant };
}

/** A Redis client as the platform's administrator. */
function redisAdmin(env: OfflineEnvironment) {
  return createClient({ url: `redis://127.0.0.1:${env.ports.redis}`, username: env.admins.redis.user, password: env.admins.redis.password });
}

/** Clients of each store as its administrator, at the published ports. */
function admin(env: OfflineEnvironment) {
  return {
    postgres: async <R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
      const client = new pg.Client({ host: "127.0.0.1", port: env.ports.postgres, user: env.admins.postgres.user, password: env.admins.postgres.password, database: "postgres" });
      await client.connect();
      try {
        return (await client.query<R>(sql, values)).rows;
      } finally {
        await client.end();
      }
    },
    minio: new MinioClient({ endPoint: "127.0.0.1", port: env.ports.minio, useSSL: false, accessKey: env.admins.minio.user, secretKey: env.admins.minio.password, pathStyle: true }),
    redis: async <T>(work: (client: ReturnType<typeof redisAdmin>) => Promise<T>) => {
      const client = redisAdmin(env);
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.close();
      }
    },
    qdrant: new QdrantClient({ url: `http://127.0.0.1:${env.ports.qdrant}`, apiKey: env.admins.qdrant.apiKey, checkCompatibility: false }),
  };
}

/** What is left of a tenant on the stores (all false once it is destroyed). */
export async function leftovers(env: OfflineEnvironment, tenantId: string, endpoints: TenantEndpoints, credentials: TenantCredentials): Promise<Record<string, boolean>> {
  const stores = admin(env);
  const [database] = await stores.postgres("SELECT 1 FROM pg_database WHERE datname = $1", [endpoints.postgres.database]);
  const [role] = await stores.postgres("SELECT 1 FROM pg_roles WHERE rolname = $1", [credentials.postgres.user]);
  const aclUsers = await stores.redis((client) => client.sendCommand<string[]>(["ACL", "USERS"]));
  const redisKeys = (await stores.redis((client) => tenantKeysLeft(client, tenantId))) > 0;
  const tenantMinio = new MinioClient({ endPoint: "127.0.0.1", port: env.ports.minio, useSSL: false, accessKey: credentials.minio.accessKey, secretKey: credentials.minio.secretKey, pathStyle: true });
  const minioUser = await tenantMinio.listBuckets().then(
    () => true,
    (error: { code?: string; message?: string }) => !/InvalidAccessKeyId|does not exist/i.test(String(error.code ?? error.message)),
  );
  return {
    database: database !== undefined,
    role: role !== undefined,
    bucket: await stores.minio.bucketExists(endpoints.minio.bucket),
    minioUser,
    redisUser: aclUsers.includes(credentials.redis.user),
    redisKeys,
    collection: (await stores.qdrant.collectionExists(endpoints.qdrant.collection)).exists,
    qdrantGrant: (await readTokenGrant({ url: `http://127.0.0.1:${env.ports.qdrant}`, apiKey: env.admins.qdrant.apiKey }, tenantId)) !== undefined,
  };
}

const MARKER = { table: "frostbyte_e2e_marker", bucket: "frostbyte-e2e-marker", key: "frostbyte-e2e:marker", collection: "frostbyte_e2e_marker" } as const;

/** Data an operator keeps on each store outside every tenant's namespace, and the PostgreSQL cluster's identity. */
export interface StoreMarkers {
  readonly postgresSystemId: string;
  readonly postgres: string | undefined;
  readonly minio: string | undefined;
  readonly redis: string | undefined;
  readonly qdrant: string | undefined;
}

/** Writes one marker per store, each holding `value`. */
export async function writeMarkers(env: OfflineEnvironment, value: string): Promise<void> {
  const stores = admin(env);
  await stores.postgres(`CREATE TABLE ${MARKER.table} (value text)`);
  await stores.postgres(`INSERT INTO ${MARKER.table} VALUES ($1)`, [value]);
  await stores.minio.makeBucket(MARKER.bucket);
  await stores.minio.putObject(MARKER.bucket, "marker", Buffer.from(value));
  await stores.redis((client) => client.set(MARKER.key, value));
  await stores.qdrant.createCollection(MARKER.collection, { vectors: { size: 2, distance: "Dot" } });
  await stores.qdrant.upsert(MARKER.collection, { wait: true, points: [{ id: 1, vector: [1, 0], payload: { value } }] });
}

/** Reads the markers back (undefined where one is missing) and the cluster's system identifier. */
export async function readMarkers(env: OfflineEnvironment): Promise<StoreMarkers> {
  const stores = admin(env);
  const [system] = await stores.postgres<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()");
  const [table] = await stores.postgres("SELECT 1 FROM pg_tables WHERE tablename = $1", [MARKER.table]);
  const rows = table ? await stores.postgres<{ value: string }>(`SELECT value FROM ${MARKER.table}`) : [];
  const minio = (await stores.minio.bucketExists(MARKER.bucket))
    ? await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        stores.minio.getObject(MARKER.bucket, "marker").then((stream) => {
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          stream.on("error", reject);
        }, reject);
      })
    : undefined;
  const redis = (await stores.redis((client) => client.get(MARKER.key))) ?? undefined;
  const qdrant = (await stores.qdrant.collectionExists(MARKER.collection)).exists
    ? ((await stores.qdrant.retrieve(MARKER.collection, { ids: [1], with_payload: true }))[0]?.payload?.["value"] as string | undefined)
    : undefined;
  return { postgresSystemId: system!.id, postgres: rows[0]?.value, minio, redis, qdrant };
}
