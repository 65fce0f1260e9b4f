import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { OfflineConfig, OfflineStore } from "../../domain";
import { PLATFORM_LABEL, storeContainerName, STORE_LABEL } from "./names";

/** What one store needs from Docker; each store's file builds one from plain values. */
export interface StoreContainerSpec {
  readonly store: OfflineStore;
  /** The port the store listens on inside the container. */
  readonly containerPort: number;
  /** Where the store's named volume is mounted. */
  readonly dataPath: string;
  /** The container's environment. It carries admin credentials, so it reaches Docker as one secret. */
  readonly env: Readonly<Record<string, string>>;
  /** Replaces the image's entrypoint (and with it the image's command). */
  readonly entrypoint?: readonly string[];
  /** Arguments after the image's entrypoint. */
  readonly command?: readonly string[];
  /** User the first process runs as, when not the image's. */
  readonly user?: string;
  /** The health check command (Docker `CMD`/`CMD-SHELL` form); never holds a credential. */
  readonly healthcheck: readonly string[];
  /**
   * Grace period before failed checks count, e.g. for PostgreSQL's first initdb. Under a minute and
   * in whole seconds, which is how Docker's provider reads durations back (Go's `45s`, not `1m0s`).
   */
  readonly healthStartPeriod: string;
  /** Writable scratch directories (tmpfs) on the read-only root file system. */
  readonly tmpfs: readonly string[];
  /**
   * The Linux capabilities the image's entrypoint needs, added back after dropping all of them;
   * empty for a store that runs without any.
   */
  readonly capabilities: readonly string[];
  /** /dev/shm size in MiB, when the store needs more than Docker's 64. */
  readonly shmSizeMb?: number;
}

/** Where and with what limits a store container runs. */
export interface StorePlacement {
  /** The pulled image's id, so a new image replaces the container. */
  readonly image: pulumi.Input<string>;
  /** The store's named volume. */
  readonly volumeName: pulumi.Input<string>;
  /** Name of the platform's internal network (see `PLATFORM_NETWORKS`), the store's only one. */
  readonly network: pulumi.Input<string>;
  /** Memory (MiB) and CPU limits. */
  readonly resources: OfflineConfig["resources"][OfflineStore];
}

/** The container arguments, with the environment as a plain list the caller turns into a secret. */
export type StoreContainerArgs = Omit<docker.ContainerArgs, "envs"> & { readonly envs: string[] };

/**
 * The `cpus` text Docker's provider reads back for a limit (its `nanoInt64ToDecimalString`), so a
 * refresh never shows drift on this replace-on-change field: `2.0`, `1.5`, and, as it prints them,
 * `10.` for whole numbers with a zero digit. Exact for the one-decimal values validation allows.
 */
export function dockerCpusText(cpus: number): string {
  const tenths = Math.round(cpus * 10);
  const whole = Math.floor(tenths / 10);
  const tenth = tenths % 10;
  if (tenth !== 0) return `${whole}.${tenth}`;
  return String(whole).includes("0") ? `${whole}.` : `${whole}.0`;
}

/** Seconds `pulumi up` waits for a new container to report healthy before failing. */
export const HEALTHY_WAIT_SECONDS = 180;

/**
 * The Docker arguments of a store container, as plain data. Every store gets the same hardening:
 * read-only root, no privilege escalation, every capability dropped but the few its entrypoint
 * needs, memory without swap, a CPU cap, a health check that `pulumi up` waits on, a restart
 * policy, and the internal network only: no published port (the port proxy publishes them) and
 * no network with a route off the host.
 */
export function storeContainerArgs(spec: StoreContainerSpec, placement: StorePlacement): StoreContainerArgs {
  const tmpfsOptions = "rw,noexec,nosuid,nodev,size=64m";
  return {
    name: storeContainerName(spec.store),
    image: placement.image,
    hostname: spec.store,
    restart: "unless-stopped",
    mustRun: true,
    wait: true,
    waitTimeout: HEALTHY_WAIT_SECONDS,
    destroyGraceSeconds: 60,
    privileged: false,
    readOnly: true,
    securityOpts: ["no-new-privileges:true"],
    capabilities: { drops: ["ALL"], ...(spec.capabilities.length > 0 ? { adds: [...spec.capabilities] } : {}) },
    memory: placement.resources.memoryMb,
    memorySwap: placement.resources.memoryMb,
    cpus: dockerCpusText(placement.resources.cpus),
    ...(spec.shmSizeMb !== undefined ? { shmSize: spec.shmSizeMb } : {}),
    ...(spec.user !== undefined ? { user: spec.user } : {}),
    ...(spec.entrypoint ? { entrypoints: [...spec.entrypoint] } : {}),
    ...(spec.command ? { command: [...spec.command] } : {}),
    envs: Object.entries(spec.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`),
    healthcheck: { tests: [...spec.healthcheck], interval: "10s", timeout: "5s", retries: 6, startPeriod: spec.healthStartPeriod },
    tmpfs: Object.fromEntries(spec.tmpfs.map((path) => [path, tmpfsOptions])),
    volumes: [{ volumeName: placement.volumeName, containerPath: spec.dataPath }],
    networksAdvanced: [{ name: placement.network, aliases: [spec.store] }],
    labels: [
      { label: PLATFORM_LABEL, value: "offline-stores" },
      { label: STORE_LABEL, value: spec.store },
    ],
  };
}

/** A store's image, volume and container. */
export interface StoreParts {
  /** The pinned image, pulled (or found) on the Docker host. */
  readonly image: docker.RemoteImage;
  /** The named volume with the store's data; kept by `pulumi destroy`. */
  readonly volume: docker.Volume;
  /** The running store. */
  readonly container: docker.Container;
}

/** Options every platform child gets: its parent and the platform's Docker provider. */
export interface PlatformChildOptions {
  /** The StorePlatform. */
  readonly parent: pulumi.Resource;
  /** The Docker provider for `frostbyte:offline.dockerHost`. */
  readonly provider: docker.Provider;
}

/**
 * Pulls the store's pinned image, creates its named volume and starts its container. The volume
 * outlives `pulumi destroy` (retainOnDelete): it holds every tenant's data. A fixed container name
 * and a fixed host port can't exist twice, so a replaced container is deleted first.
 */
export function createStoreParts(
  name: string,
  spec: StoreContainerSpec,
  placement: Omit<StorePlacement, "image" | "volumeName"> & { readonly imageReference: string; readonly volumeName: string },
  opts: PlatformChildOptions,
): StoreParts {
  const labels = [
    { label: PLATFORM_LABEL, value: "offline-stores" },
    { label: STORE_LABEL, value: spec.store },
  ];
  const image = new docker.RemoteImage(`${name}-image`, { name: placement.imageReference, keepLocally: true }, opts);
  const volume = new docker.Volume(`${name}-data`, { name: placement.volumeName, driver: "local", labels }, { ...opts, retainOnDelete: true });
  const args = storeContainerArgs(spec, { ...placement, image: image.imageId, volumeName: volume.name });
  const container = new docker.Container(
    name,
    { ...args, envs: pulumi.secret(args.envs) },
    // The image id is only known once the pull is done; dependsOn says so even before it is.
    { ...opts, dependsOn: [image], deleteBeforeReplace: true, additionalSecretOutputs: ["envs"] },
  );
  return { image, volume, container };
}
