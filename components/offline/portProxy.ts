import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_STORES, type OfflineConfig, STORE_PORTS } from "../../domain";
import { PLATFORM_LABEL, PORT_PROXY_CONTAINER } from "./names";
import { dockerCpusText, HEALTHY_WAIT_SECONDS, type PlatformChildOptions } from "./storeContainer";

/** The proxy's limits: a TCP relay with a few thousand connections at most. */
export const PORT_PROXY_RESOURCES = { memoryMb: 128, cpus: 0.5 } as const;

/** Where the entrypoint writes the configuration (the root file system is read-only). */
const CONFIG_PATH = "/tmp/haproxy.cfg";

/**
 * HAProxy's configuration: one TCP frontend per store on the store's usual port, relaying to the
 * store by its alias on the internal network. Names are resolved through Docker's embedded DNS
 * (127.0.0.11) while running, so a replaced store container (a new address) is found again, and
 * the proxy starts even when a store is not resolvable yet. Timeouts are idle times: an idle
 * client connection (a pooled database connection, a Redis subscriber) is closed after a day.
 */
export function portProxyConfig(): string {
  const lines = [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode tcp",
    "  timeout connect 5s",
    "  timeout client 24h",
    "  timeout server 24h",
    "  option clitcpka",
    "  option srvtcpka",
    "  default-server init-addr last,libc,none resolvers docker",
    "resolvers docker",
    "  nameserver docker 127.0.0.11:53",
    "  hold valid 10s",
  ];
  for (const store of OFFLINE_STORES) {
    lines.push(`frontend ${store}`, `  bind :${STORE_PORTS[store]}`, `  default_backend ${store}`);
    lines.push(`backend ${store}`, `  server ${store} ${store}:${STORE_PORTS[store]}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Healthy once every frontend accepts a connection (bash's /dev/tcp: the image has no client). */
export function portProxyHealthCommand(): string[] {
  const ports = OFFLINE_STORES.map((store) => STORE_PORTS[store]).join(" ");
  return ["CMD", "bash", "-c", `for port in ${ports}; do exec 3<>/dev/tcp/127.0.0.1/$port || exit 1; exec 3>&-; done`];
}

/** What the port proxy needs from the platform. */
export interface PortProxyPlacement {
  /** The pulled image's id. */
  readonly image: pulumi.Input<string>;
  /** Names of the platform's networks. */
  readonly networks: { readonly internal: pulumi.Input<string>; readonly edge: pulumi.Input<string> };
  readonly bindAddress: string;
  /** Host ports on the bind address, per store. */
  readonly ports: OfflineConfig["ports"];
}

/**
 * The port proxy's Docker arguments, as plain data. The stores are only on the internal network,
 * which Docker cannot publish ports from; this container, on both networks, is the one that
 * publishes them, each on the bind address, and relays to the stores. It holds no credential and
 * no data, runs as the image's user without any capability on a read-only root, and is the only
 * platform container with a route off the internal network.
 */
export function portProxyContainerArgs(placement: PortProxyPlacement): docker.ContainerArgs {
  return {
    name: PORT_PROXY_CONTAINER,
    image: placement.image,
    hostname: "port-proxy",
    restart: "unless-stopped",
    mustRun: true,
    wait: true,
    waitTimeout: HEALTHY_WAIT_SECONDS,
    privileged: false,
    readOnly: true,
    securityOpts: ["no-new-privileges:true"],
    capabilities: { drops: ["ALL"] },
    memory: PORT_PROXY_RESOURCES.memoryMb,
    memorySwap: PORT_PROXY_RESOURCES.memoryMb,
    cpus: dockerCpusText(PORT_PROXY_RESOURCES.cpus),
    // The configuration is not a secret; it travels in the environment and lands on tmpfs.
    envs: [`HAPROXY_CONFIG=${portProxyConfig()}`],
    entrypoints: ["/bin/sh", "-c", `printf '%s' "$HAPROXY_CONFIG" > ${CONFIG_PATH} && exec haproxy -db -f ${CONFIG_PATH}`],
    healthcheck: { tests: portProxyHealthCommand(), interval: "10s", timeout: "5s", retries: 6, startPeriod: "10s" },
    tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=8m" },
    networksAdvanced: [{ name: placement.networks.internal }, { name: placement.networks.edge }],
    ports: OFFLINE_STORES.map((store) => ({ internal: STORE_PORTS[store], external: placement.ports[store], ip: placement.bindAddress, protocol: "tcp" })),
    labels: [{ label: PLATFORM_LABEL, value: "offline-stores" }],
  };
}

/** The port proxy's image and container; the container starts once every store is healthy. */
export function createPortProxy(
  name: string,
  placement: Omit<PortProxyPlacement, "image"> & { readonly imageReference: string },
  stores: readonly pulumi.Resource[],
  opts: PlatformChildOptions,
): { readonly image: docker.RemoteImage; readonly container: docker.Container } {
  const image = new docker.RemoteImage(`${name}-image`, { name: placement.imageReference, keepLocally: true }, opts);
  const container = new docker.Container(name, portProxyContainerArgs({ ...placement, image: image.imageId }), {
    ...opts,
    dependsOn: [image, ...stores],
    deleteBeforeReplace: true,
  });
  return { image, container };
}
