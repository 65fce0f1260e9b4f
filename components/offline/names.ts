/**
 * The one place that names the offline store platform's Docker objects (networks, volumes,
 * containers). Tenant names stay in `domain/naming.ts` (DESIGN §1); these are shared by every tenant.
 */
import type { OfflineStore } from "../../domain";

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
