/**
 * What an offline (air-gapped) stack needs around it for the e2e: the Docker engine with the test
 * images, free host ports for the stores on 127.0.0.1, fresh admin credentials, an operator age
 * key, and a control plane (a real PostgreSQL on loopback, outside the platform, as at a site).
 */
import { randomBytes } from "node:crypto";
import { generateAgeKeyPair } from "../../../components/secrets/ageKeyRuntime";
import { PLATFORM_LABEL, PLATFORM_NETWORKS, PORT_PROXY_CONTAINER, storeContainerName } from "../../../components/offline";
import { createControlPlaneDatabase, MIGRATION_ROLE, RUNTIME_LOGIN, type ControlPlaneDatabase } from "../../support/controlPlaneDb";
import { freePort } from "../../support/freePort";
import { startPostgres, type PostgresServer } from "../../support/postgresServer";
import { docker, inspect, namesWithLabel, offlineEngine, type OfflineEngine } from "./offlineEngine";
import { OFFLINE_STORES, type OfflineStore } from "../../../domain";

/** The stores' admin credentials, exactly what the stack config gives the providers. */
export interface OfflineAdmins {
  readonly postgres: { readonly user: string; readonly password: string };
  readonly redis: { readonly user: string; readonly password: string };
  readonly minio: { readonly user: string; readonly password: string };
  readonly qdrant: { readonly apiKey: string };
}

export interface OfflineEnvironment {
  readonly engine: OfflineEngine;
  readonly ports: Readonly<Record<OfflineStore, number>>;
  /** The stores' named volumes: this test's own names, never an operator's default ones. */
  readonly volumes: Readonly<Record<OfflineStore, string>>;
  readonly admins: OfflineAdmins;
  readonly operatorKey: { readonly publicKey: string; readonly privateKey: string };
  readonly controlPlaneServer: PostgresServer;
  readonly controlPlane: ControlPlaneDatabase;
  stop(): Promise<void>;
}

const secret = (bytes: number) => randomBytes(bytes).toString("hex");

/**
 * Removes what an earlier, interrupted run left on the engine: the platform's containers and
 * networks (by their label and fixed names) and this test's volumes.
 */
export async function removeLeftovers(engine: OfflineEngine, volumes: readonly string[]): Promise<void> {
  const containers = new Set([...(await namesWithLabel(engine, "container", PLATFORM_LABEL)), ...OFFLINE_STORES.map(storeContainerName), PORT_PROXY_CONTAINER]);
  for (const name of containers) if (await inspect(engine, "container", name)) await docker(engine, "container", "rm", "--force", "--volumes", name);
  const networks = new Set([...(await namesWithLabel(engine, "network", PLATFORM_LABEL)), PLATFORM_NETWORKS.internal.name, PLATFORM_NETWORKS.edge.name]);
  for (const name of networks) if (await inspect(engine, "network", name)) await docker(engine, "network", "rm", name);
  for (const name of volumes) if (await inspect(engine, "volume", name)) await docker(engine, "volume", "rm", "--force", name);
}

/** Checks the engine, clears leftovers, and starts the control plane. */
export async function startOfflineEnvironment(): Promise<OfflineEnvironment> {
  const engine = await offlineEngine();
  const volumes = Object.fromEntries(OFFLINE_STORES.map((store) => [store, `frostbyte-e2e-${store}-data`])) as Record<OfflineStore, string>;
  await removeLeftovers(engine, Object.values(volumes));
  const ports: Partial<Record<OfflineStore, number>> = {};
  for (const store of OFFLINE_STORES) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[store] = port;
  }
  const controlPlaneServer = await startPostgres({ trustedUsers: [MIGRATION_ROLE, RUNTIME_LOGIN] });
  try {
    const controlPlane = await createControlPlaneDatabase(controlPlaneServer);
    return {
      engine,
      ports: ports as Record<OfflineStore, number>,
      volumes,
      admins: {
        postgres: { user: "frostbyte_admin", password: secret(16) },
        redis: { user: "frostbyte-admin", password: secret(16) },
        minio: { user: "frostbyte-admin", password: secret(16) },
        qdrant: { apiKey: secret(16) },
      },
      operatorKey: await generateAgeKeyPair(),
      controlPlaneServer,
      controlPlane,
      async stop() {
        await controlPlane.close();
        await controlPlaneServer.stop();
      },
    };
  } catch (error) {
    await controlPlaneServer.stop();
    throw error;
  }
}

/** The full stack config (DESIGN §8 with `frostbyte:offline`) of an offline stack on the engine. */
export function offlineStackConfig(env: OfflineEnvironment, tenants: readonly unknown[]): { values: Record<string, unknown>; secretKeys: string[] } {
  const at = (store: OfflineStore) => `127.0.0.1:${env.ports[store]}`;
  return {
    values: {
      "frostbyte:mode": "offline",
      "frostbyte:tenants": tenants,
      "frostbyte:offline": {
        dockerHost: env.engine.dockerHost,
        bindAddress: "127.0.0.1",
        images: env.engine.images,
        ports: env.ports,
        volumes: env.volumes,
        // Small limits: the e2e machine has 2 cores and other tests running.
        resources: {
          postgres: { memoryMb: 512, cpus: 1 },
          redis: { memoryMb: 256, cpus: 0.5 },
          minio: { memoryMb: 512, cpus: 1 },
          qdrant: { memoryMb: 384, cpus: 0.5 },
        },
      },
      "frostbyte:controlPlaneDbUrl": env.controlPlane.runtimeUrl,
      "frostbyte:qdrant": { url: `http://${at("qdrant")}`, apiKey: env.admins.qdrant.apiKey },
      "frostbyte:redis": { url: `redis://${at("redis")}`, adminUser: env.admins.redis.user, adminPassword: env.admins.redis.password },
      "frostbyte:operatorAgeRecipients": [env.operatorKey.publicKey],
      "minio:minioServer": at("minio"),
      "minio:minioUser": env.admins.minio.user,
      "minio:minioPassword": env.admins.minio.password,
      "postgresql:host": "127.0.0.1",
      "postgresql:port": String(env.ports.postgres),
      "postgresql:username": env.admins.postgres.user,
      "postgresql:password": env.admins.postgres.password,
      // postgresql:sslmode left out, as in the README's example: offline mode defaults it to disable.
      "postgresql:superuser": "true",
    },
    secretKeys: ["frostbyte:controlPlaneDbUrl", "frostbyte:qdrant", "frostbyte:redis", "minio:minioPassword", "postgresql:password"],
  };
}
