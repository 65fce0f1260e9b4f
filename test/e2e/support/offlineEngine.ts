/**
 * The Docker engine and test images scripts/setup-docker.sh sets up, as the offline e2e sees them:
 * where they are (DOCKER_HOST, FROSTBYTE_TEST_IMAGE_*), and read-only inspection through the
 * docker CLI. Nothing here sends traffic to a container's own address.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { OFFLINE_STORES, type OfflineConfig } from "../../../domain";

const run = promisify(execFile);

/** The engine and the test images (each store's and the port proxy's). */
export interface OfflineEngine {
  /** `unix:///…/docker.sock` */
  readonly dockerHost: string;
  readonly images: OfflineConfig["images"];
}

/** The variable scripts/setup-docker.sh writes each image's tag to (images/<name>/). */
const IMAGE_VARIABLES: Readonly<Record<keyof OfflineConfig["images"], string>> = {
  ...(Object.fromEntries(OFFLINE_STORES.map((store) => [store, `FROSTBYTE_TEST_IMAGE_${store.toUpperCase()}`])) as Record<(typeof OFFLINE_STORES)[number], string>),
  portProxy: "FROSTBYTE_TEST_IMAGE_PORT_PROXY",
};

const SETUP_HINT = 'run `source "$(bash scripts/setup-docker.sh)"` as root first (it starts the engine and builds the test images)';

/** The engine and images from the environment; throws (never skips) when they are missing or the engine does not answer. */
export async function offlineEngine(): Promise<OfflineEngine> {
  const dockerHost = process.env["DOCKER_HOST"];
  if (!dockerHost?.startsWith("unix://")) throw new Error(`offline e2e: DOCKER_HOST is ${dockerHost === undefined ? "not set" : `"${dockerHost}", not a unix socket`}; ${SETUP_HINT}`);
  const images = Object.fromEntries(
    Object.entries(IMAGE_VARIABLES).map(([key, variable]) => {
      const image = process.env[variable];
      if (!image) throw new Error(`offline e2e: ${variable} is not set; ${SETUP_HINT}`);
      return [key, image];
    }),
  ) as OfflineConfig["images"];
  const engine = { dockerHost, images };
  try {
    await docker(engine, "version", "--format", "{{.Server.Version}}");
  } catch (error) {
    throw new Error(`offline e2e: the Docker engine at ${dockerHost} does not answer (${(error as Error).message.split("\n")[0]}); ${SETUP_HINT}`, { cause: error });
  }
  for (const image of Object.values(images)) {
    await docker(engine, "image", "inspect", "--format", "{{.Id}}", image).catch(() => {
      throw new Error(`offline e2e: the engine has no image ${image}; ${SETUP_HINT}`);
    });
  }
  return engine;
}

/** Runs the docker CLI against the engine and returns its stdout. */
export async function docker(engine: Pick<OfflineEngine, "dockerHost">, ...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { env: { ...process.env, DOCKER_HOST: engine.dockerHost }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** `docker inspect` of one object as JSON, or undefined when there is none. */
export async function inspect<T>(engine: OfflineEngine, kind: "container" | "network" | "volume", name: string): Promise<T | undefined> {
  try {
    return (JSON.parse(await docker(engine, kind, "inspect", name)) as T[])[0];
  } catch (error) {
    if (/No such|not found/i.test(String((error as { stderr?: string }).stderr ?? (error as Error).message))) return undefined;
    throw error;
  }
}

/** Names of the objects of a kind carrying a label (any value). */
export async function namesWithLabel(engine: OfflineEngine, kind: "container" | "network" | "volume", label: string): Promise<string[]> {
  const list = kind === "container" ? ["container", "ls", "--all"] : [kind, "ls"];
  const format = kind === "container" ? "{{.Names}}" : "{{.Name}}";
  const out = await docker(engine, ...list, "--filter", `label=${label}`, "--format", format);
  return out.split("\n").filter((line) => line !== "").sort();
}

/** One IPv4 route of a network namespace, from `/proc/net/route`. */
export interface Route {
  readonly iface: string;
  readonly destination: string;
  readonly gateway: string;
  readonly mask: string;
}

/** `/proc/net/route`'s little-endian hex address as dotted quad. */
function hexToIPv4(hex: string): string {
  const value = Number.parseInt(hex, 16);
  return [0, 8, 16, 24].map((shift) => (value >>> shift) & 0xff).join(".");
}

/** The IPv4 routes inside a running container, read with `cat /proc/net/route` in it (inspection only). */
export async function containerRoutes(engine: OfflineEngine, container: string): Promise<Route[]> {
  const table = await docker(engine, "exec", container, "cat", "/proc/net/route");
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 8)
    .map(([iface, destination, gateway, , , , , mask]) => ({ iface: iface!, destination: hexToIPv4(destination!), gateway: hexToIPv4(gateway!), mask: hexToIPv4(mask!) }));
}

/** The parts of `docker container inspect` the e2e reads back. */
export interface ContainerInfo {
  readonly Name: string;
  readonly State: { readonly Running: boolean; readonly Health?: { readonly Status: string } };
  readonly Config: { readonly Env: string[]; readonly User: string; readonly Labels: Record<string, string> };
  readonly HostConfig: {
    readonly ReadonlyRootfs: boolean;
    readonly Privileged: boolean;
    readonly CapAdd: string[] | null;
    readonly CapDrop: string[] | null;
    readonly SecurityOpt: string[] | null;
    readonly Memory: number;
    readonly MemorySwap: number;
    readonly NanoCpus: number;
    readonly RestartPolicy: { readonly Name: string };
    readonly Tmpfs: Record<string, string> | null;
    readonly PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> | null;
    readonly Mounts?: Array<{ Type: string; Source: string; Target: string }>;
  };
  readonly Mounts: Array<{ readonly Type: string; readonly Name?: string; readonly Destination: string }>;
  readonly NetworkSettings: { readonly Networks: Record<string, { readonly Gateway: string; readonly IPAddress: string }> };
}

/** The parts of `docker network inspect` the e2e reads back. */
export interface NetworkInfo {
  readonly Name: string;
  readonly Internal: boolean;
  readonly Options: Record<string, string>;
  readonly IPAM: { readonly Config: Array<{ readonly Subnet: string; readonly Gateway?: string }> };
  readonly Containers: Record<string, { readonly Name: string }>;
}

/** The engine's major version (Docker 25 stopped giving containers on internal networks a default route). */
export async function engineMajorVersion(engine: OfflineEngine): Promise<number> {
  return Number((await docker(engine, "version", "--format", "{{.Server.Version}}")).trim().split(".")[0]);
}

/**
 * The user ids a running container's processes named `command` run as, from `docker top` (health
 * checks and `docker exec` run beside them as the container's user, so they are left out).
 */
export async function processUids(engine: OfflineEngine, container: string, command: string): Promise<string[]> {
  // `docker top` needs the pid column to map processes to the container.
  const out = await docker(engine, "top", container, "-eo", "pid,uid,comm");
  const uids = out
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] === command)
    .map((fields) => fields[1]!);
  if (uids.length === 0) throw new Error(`no ${command} process in ${container}:\n${out}`);
  return [...new Set(uids)].sort();
}
