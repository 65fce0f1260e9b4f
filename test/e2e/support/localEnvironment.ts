import { randomBytes } from "node:crypto";
import { generateAgeKeyPair } from "../../../components/secrets/ageKeyRuntime";
import { prepareTenantPostgresServer } from "../../../platform/tenantPostgresServer";
import { startHcloudApiDouble, type HcloudApiDouble } from "../../doubles/hcloud/server";
import { startQdrantApiDouble, type QdrantApiDouble } from "../../doubles/qdrant/server";
import { createControlPlaneDatabase, MIGRATION_ROLE, RUNTIME_LOGIN, type ControlPlaneDatabase } from "../../support/controlPlaneDb";
import { startMinio, type MinioServer } from "../../support/minioServer";
import { startPostgres, type PostgresServer } from "../../support/postgresServer";
import { startRedis, type RedisServer } from "../../support/redisServer";

/**
 * Every store a stack needs, on loopback: real PostgreSQL (control plane and tenant databases; tenants
 * log in with scram passwords), real Redis and MinIO, and the test doubles of the Qdrant and Hetzner
 * Cloud APIs.
 */
export interface LocalEnvironment {
  readonly postgres: PostgresServer;
  readonly controlPlane: ControlPlaneDatabase;
  readonly redis: RedisServer & { readonly aclFilePath?: string };
  readonly minio: MinioServer;
  readonly qdrant: QdrantApiDouble;
  readonly qdrantApiKey: string;
  readonly hcloud: HcloudApiDouble;
  readonly hcloudToken: string;
  readonly operatorKey: { readonly publicKey: string; readonly privateKey: string };
  stop(): Promise<void>;
}

export async function startLocalEnvironment(): Promise<LocalEnvironment> {
  const qdrantApiKey = randomBytes(16).toString("hex");
  const hcloudToken = randomBytes(32).toString("hex");
  const started = await Promise.allSettled([
    startPostgres({ trustedUsers: [MIGRATION_ROLE, RUNTIME_LOGIN] }),
    startRedis({ aclFile: true }),
    startMinio(),
    startQdrantApiDouble({ apiKey: qdrantApiKey }),
    startHcloudApiDouble({ token: hcloudToken, actionDelayMs: 50 }),
    generateAgeKeyPair(),
  ] as const);
  // Whatever started is stopped again when anything else failed: no server outlives a failed start.
  const stopStarted = async () => {
    const [postgres, redis, minio, qdrant, hcloud] = started;
    await Promise.allSettled([
      postgres.status === "fulfilled" ? postgres.value.stop() : undefined,
      redis.status === "fulfilled" ? redis.value.stop() : undefined,
      minio.status === "fulfilled" ? minio.value.stop() : undefined,
      qdrant.status === "fulfilled" ? qdrant.value.close() : undefined,
      hcloud.status === "fulfilled" ? hcloud.value.close() : undefined,
    ]);
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stopStarted();
    throw failed.reason;
  }
  const [postgres, redis, minio, qdrant, hcloud, operatorKey] = started.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
    PostgresServer,
    RedisServer,
    MinioServer,
    QdrantApiDouble,
    HcloudApiDouble,
    { publicKey: string; privateKey: string },
  ];
  let controlPlane: ControlPlaneDatabase;
  try {
    controlPlane = await createControlPlaneDatabase(postgres);
    // What an operator runs once per tenant-database server (frostbyte db prepare-tenant-server).
    await prepareTenantPostgresServer(postgres.superuserUrl, ["postgres"]);
  } catch (error) {
    await stopStarted();
    throw error;
  }
  return {
    postgres,
    controlPlane,
    redis,
    minio,
    qdrant,
    qdrantApiKey,
    hcloud,
    hcloudToken,
    operatorKey,
    async stop() {
      await controlPlane.close();
      await Promise.allSettled([postgres.stop(), redis.stop(), minio.stop(), qdrant.close(), hcloud.close()]);
    },
  };
}

/** The full stack config (DESIGN §8) that points a stack at the local environment. */
export function localStackConfig(env: LocalEnvironment, tenants: readonly unknown[]): { values: Record<string, unknown>; secretKeys: string[] } {
  return {
    values: {
      "frostbyte:mode": "online",
      "frostbyte:tenants": tenants,
      "frostbyte:controlPlaneDbUrl": env.controlPlane.runtimeUrl,
      "frostbyte:qdrant": { url: env.qdrant.url, apiKey: env.qdrantApiKey },
      "frostbyte:redis": { url: env.redis.url, adminUser: env.redis.adminUser, adminPassword: env.redis.adminPassword },
      "frostbyte:operatorAgeRecipients": [env.operatorKey.publicKey],
      "hcloud:token": env.hcloudToken,
      "hcloud:endpoint": env.hcloud.url,
      "minio:minioServer": env.minio.endpoint,
      "minio:minioUser": env.minio.rootUser,
      "minio:minioPassword": env.minio.rootPassword,
      "postgresql:host": "127.0.0.1",
      "postgresql:port": String(env.postgres.port),
      "postgresql:username": "postgres",
      "postgresql:password": "trusted-on-loopback",
      "postgresql:sslmode": "disable",
      "postgresql:superuser": "true",
    },
    secretKeys: ["frostbyte:controlPlaneDbUrl", "frostbyte:qdrant", "frostbyte:redis", "hcloud:token", "minio:minioPassword", "postgresql:password"],
  };
}
