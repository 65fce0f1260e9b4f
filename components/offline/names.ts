/**
 * The one place that names the offline store platform's Docker objects (networks, volumes,
 * containers). Tenant names stay in `../naming.ts` (DESIGN §1); these are shared by every tenant.
 */

/** The stores the offline platform runs, one container each. */
export const OFFLINE_STORES = ["postgres", "redis", "minio", "qdrant"] as const;
/** One of the platform's stores. */
export type OfflineStore = (typeof OFFLINE_STORES)[number];

/** Label put on every Docker object the platform owns, so an operator can list them. */
export const PLATFORM_LABEL = "frostbyte.io/platform";
/** Label naming the store a container or volume belongs to. */
export const STORE_LABEL = "frostbyte.io/store";

/** Docker network names and the Linux bridge interfaces behind them (15 characters at most). */
export const PLATFORM_NETWORKS = {
  /** `internal: true`: the stores' only network; nothing on it is routed off the host. */
  internal: { name: "frostbyte-stores", bridge: "fb-stores-int" },
  /** The port proxy's published ports, bound to the bind address; no store is on it. */
  edge: { name: "frostbyte-stores-edge", bridge: "fb-stores-edge" },
} as const;

/** The port proxy's container: the one platform container with published ports. */
export const PORT_PROXY_CONTAINER = "frostbyte-port-proxy";

/** The container of a store, e.g. `frostbyte-postgres`. */
export function storeContainerName(store: OfflineStore): string {
  return `frostbyte-${store}`;
}

/** The default named volume holding a store's data, e.g. `frostbyte-postgres-data`. */
export function storeVolumeName(store: OfflineStore): string {
  return `frostbyte-${store}-data`;
}
