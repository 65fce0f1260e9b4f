import * as docker from "@pulumi/docker";
import { PLATFORM_LABEL, PLATFORM_NETWORKS } from "./names";
import type { PlatformChildOptions } from "./storeContainer";

/** The platform's two bridge networks. */
export interface PlatformNetworks {
  /** `frostbyte-stores`, `internal: true`. */
  readonly internal: docker.Network;
  /** `frostbyte-stores-edge`, the published ports only. */
  readonly edge: docker.Network;
}

/**
 * Docker arguments of the two networks, as plain data.
 *
 * - `internal` (`internal: true`): the stores' only network. Docker routes nothing from it off the
 *   host (and from Docker 25 gives its containers no default route at all), so a store can reach
 *   the other stores and the port proxy, nothing else. Stores meet here by alias (`postgres`,
 *   `redis`, `minio`, `qdrant`), and so does operator tooling started with
 *   `--network frostbyte-stores` (backups, psql).
 * - `edge`: an internal network cannot publish ports, so the port proxy alone also joins this
 *   bridge, whose only job is the published ports bound to the bind address. Masquerading is off,
 *   so a packet the proxy sends beyond the host leaves with a private bridge address no router
 *   answers; inter-container traffic is off; and a port published without an address would still
 *   bind only to the bind address.
 */
export function platformNetworkArgs(bindAddress: string): { readonly internal: docker.NetworkArgs; readonly edge: docker.NetworkArgs } {
  const labels = [{ label: PLATFORM_LABEL, value: "offline-stores" }];
  return {
    internal: {
      name: PLATFORM_NETWORKS.internal.name,
      driver: "bridge",
      internal: true,
      ipv6: false,
      options: { "com.docker.network.bridge.name": PLATFORM_NETWORKS.internal.bridge },
      labels,
    },
    edge: {
      name: PLATFORM_NETWORKS.edge.name,
      driver: "bridge",
      internal: false,
      ipv6: false,
      options: {
        "com.docker.network.bridge.name": PLATFORM_NETWORKS.edge.bridge,
        "com.docker.network.bridge.enable_ip_masquerade": "false",
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.bridge.host_binding_ipv4": bindAddress,
      },
      labels,
    },
  };
}

/** Creates both networks; a fixed name can't exist twice, so a replaced network is deleted first. */
export function createPlatformNetworks(name: string, bindAddress: string, opts: PlatformChildOptions): PlatformNetworks {
  const args = platformNetworkArgs(bindAddress);
  const networkOpts = { ...opts, deleteBeforeReplace: true };
  return {
    internal: new docker.Network(`${name}-internal`, args.internal, networkOpts),
    edge: new docker.Network(`${name}-edge`, args.edge, networkOpts),
  };
}
