/**
 * The offline store platform's facts that its configuration rests on (an addition to DESIGN §8):
 * which stores run, the port each listens on, what each gets unless configured otherwise, and where
 * the engine host reaches them. The Docker objects that carry them are in components/offline/.
 */

/** The stores the offline platform runs, one container each. */
export const OFFLINE_STORES = ["postgres", "redis", "minio", "qdrant"] as const;
/** One of the platform's stores. */
export type OfflineStore = (typeof OFFLINE_STORES)[number];

/** The port each store listens on, inside its container and, by default, on the bind address. */
export const STORE_PORTS: Readonly<Record<OfflineStore, number>> = { postgres: 5432, redis: 6379, minio: 9000, qdrant: 6333 };

/** Memory (MiB) and CPU limits a store container gets unless `frostbyte:offline.resources` says otherwise. */
export const DEFAULT_STORE_RESOURCES: Readonly<Record<OfflineStore, { readonly memoryMb: number; readonly cpus: number }>> = {
  postgres: { memoryMb: 2048, cpus: 2 },
  redis: { memoryMb: 1024, cpus: 1 },
  minio: { memoryMb: 2048, cpus: 2 },
  qdrant: { memoryMb: 4096, cpus: 2 },
};

/** The default named volume holding a store's data, e.g. `frostbyte-postgres-data`. */
export function storeVolumeName(store: OfflineStore): string {
  return `frostbyte-${store}-data`;
}

/** Where a store is reached in offline mode: the bind address and its published port. */
export interface OfflineStoreAddress {
  readonly host: string;
  readonly port: number;
}

/** Every store's address in offline mode; the engine host reaches the stores only there. */
export function offlineStoreAddresses(offline: { readonly bindAddress: string; readonly ports: Readonly<Record<OfflineStore, number>> }): Readonly<Record<OfflineStore, OfflineStoreAddress>> {
  const at = (store: OfflineStore) => ({ host: offline.bindAddress, port: offline.ports[store] });
  return { postgres: at("postgres"), redis: at("redis"), minio: at("minio"), qdrant: at("qdrant") };
}
