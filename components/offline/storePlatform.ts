import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StoreEndpoints } from "../endpoints";
import { OFFLINE_STORES, type OfflineConfig, type OfflineStore, offlineStoreAddresses, type StackConfig } from "../../domain";
import { minioContainerSpec } from "./minio";
import { createPlatformNetworks, type PlatformNetworks } from "./network";
import { createPortProxy } from "./portProxy";
import { postgresContainerSpec } from "./postgres";
import { OfflinePostgresPreparation } from "./postgresPreparation";
import { qdrantContainerSpec } from "./qdrant";
import { redisContainerSpec } from "./redis";
import { createStoreParts, type StoreContainerSpec, type StoreParts } from "./storeContainer";

export const STORE_PLATFORM_TYPE = "frostbyte:offline:StorePlatform";

/** The stores' admin credentials: exactly those the providers connect with (stack config §8). */
export interface StoreAdminCredentials {
  readonly postgres: { readonly user: string; readonly password: string };
  readonly minio: { readonly user: string; readonly password: string };
  readonly redis: { readonly user: string; readonly password: string };
  readonly qdrant: { readonly apiKey: string };
}

/** Everything the platform is built from. */
export interface StorePlatformArgs {
  /** The validated `frostbyte:offline`. */
  readonly offline: OfflineConfig;
  /** Passed to the containers only inside their (secret) environment. */
  readonly admin: StoreAdminCredentials;
}

/** The platform's arguments from the validated stack config; only offline mode has them. */
export function storePlatformArgs(config: StackConfig): StorePlatformArgs {
  if (!config.offline) throw new Error("the offline store platform needs frostbyte:offline (frostbyte:mode offline)");
  return {
    offline: config.offline,
    admin: {
      postgres: { user: config.postgres.username, password: config.postgres.password },
      minio: { user: config.minio.user, password: config.minio.password },
      redis: { user: config.redis.adminUser, password: config.redis.adminPassword },
      qdrant: { apiKey: config.qdrant.apiKey },
    },
  };
}

/** Each store's container spec from the admin credentials and limits. */
export function storeContainerSpecs(args: StorePlatformArgs): Readonly<Record<OfflineStore, StoreContainerSpec>> {
  return {
    postgres: postgresContainerSpec(args.admin.postgres),
    redis: redisContainerSpec(args.admin.redis, args.offline.resources.redis.memoryMb),
    minio: minioContainerSpec(args.admin.minio),
    qdrant: qdrantContainerSpec(args.admin.qdrant),
  };
}

/**
 * Where tenants and providers reach the stores in offline mode: the bind address and each store's
 * published port, without TLS. Stack config validation has already made the stores' own settings
 * (`minio:minioServer`, `postgresql:host`, `frostbyte:redis.url`, …) say the same.
 */
export function offlineStoreEndpoints(offline: OfflineConfig): StoreEndpoints {
  const at = offlineStoreAddresses(offline);
  return {
    minioServer: `${at.minio.host}:${at.minio.port}`,
    minioSsl: false,
    postgresHost: at.postgres.host,
    postgresPort: at.postgres.port,
    postgresSslmode: "disable",
    redisUrl: `redis://${at.redis.host}:${at.redis.port}`,
    qdrantUrl: `http://${at.qdrant.host}:${at.qdrant.port}`,
  };
}

/**
 * The shared stores of an offline (air-gapped) stack: PostgreSQL, Redis, MinIO and Qdrant as
 * containers on one Docker host, each from a pinned image, with a named volume, a health check,
 * memory and CPU limits, on an internal network, and published only on the bind address. Every
 * tenant's stores are provisioned on top; tenants must depend on this component.
 */
export class StorePlatform extends pulumi.ComponentResource {
  /** The Docker provider every platform resource is created with. */
  readonly provider: docker.Provider;
  /** The internal network and the edge network with the published ports. */
  readonly networks: PlatformNetworks;
  /** Each store's image, volume and container. */
  readonly stores: Readonly<Record<OfflineStore, StoreParts>>;
  /** The container that publishes the stores' ports on the bind address, and its image. */
  readonly portProxy: { readonly image: docker.RemoteImage; readonly container: docker.Container };
  /** `postgres` and `template1` closed to tenants once the PostgreSQL container is healthy. */
  readonly postgresPreparation: OfflinePostgresPreparation;
  /** Where the stores are reached; public, never a secret. */
  readonly storeEndpoints: StoreEndpoints;

  constructor(name: string, args: StorePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(STORE_PLATFORM_TYPE, name, {}, opts);
    const { offline } = args;
    this.provider = new docker.Provider(
      `${name}-docker`,
      { host: offline.dockerHost, ...(offline.tlsCertPath !== undefined ? { certPath: offline.tlsCertPath } : {}) },
      { parent: this },
    );
    const childOpts = { parent: this, provider: this.provider };
    this.networks = createPlatformNetworks(`${name}-network`, offline.bindAddress, childOpts);
    const specs = storeContainerSpecs(args);
    const stores = OFFLINE_STORES.map((store) => [
      store,
      createStoreParts(
        `${name}-${store}`,
        specs[store],
        {
          imageReference: offline.images[store],
          volumeName: offline.volumes[store],
          network: this.networks.internal.name,
          resources: offline.resources[store],
        },
        childOpts,
      ),
    ]);
    this.stores = Object.fromEntries(stores) as Record<OfflineStore, StoreParts>;
    this.portProxy = createPortProxy(
      `${name}-port-proxy`,
      {
        imageReference: offline.images.portProxy,
        networks: { internal: this.networks.internal.name, edge: this.networks.edge.name },
        bindAddress: offline.bindAddress,
        ports: offline.ports,
      },
      OFFLINE_STORES.map((store) => this.stores[store].container),
      childOpts,
    );
    // The platform runs the tenant-database server, so it does what `frostbyte db
    // prepare-tenant-server` does at a site; tenants wait for it like for every platform child. It
    // reaches PostgreSQL where the providers do, through the port proxy.
    const postgres = this.stores.postgres.container;
    this.postgresPreparation = new OfflinePostgresPreparation(
      `${name}-postgres-preparation`,
      { container: postgres.id, adminRole: args.admin.postgres.user },
      { parent: this, dependsOn: [postgres, this.portProxy.container] },
    );
    this.storeEndpoints = offlineStoreEndpoints(offline);
    this.registerOutputs({ storeEndpoints: this.storeEndpoints });
  }
}
