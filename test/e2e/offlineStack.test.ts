/**
 * Offline (air-gapped) mode for real: the project's program with `frostbyte:mode offline` on the
 * Docker engine and test images of scripts/setup-docker.sh. The platform's containers start and turn
 * healthy, two tenants are provisioned on top of them, and everything is checked from the engine
 * host: the stores only through the ports published on 127.0.0.1, the containers only by reading
 * them back from the engine (inspect, routes, process owners), never by sending traffic to a
 * container's own address. It fails, never skips, when the engine or an image is missing.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { PLATFORM_LABEL, PLATFORM_NETWORKS, PORT_PROXY_CONTAINER, PORT_PROXY_RESOURCES, POSTGRES_ENTRYPOINT_CAPABILITIES, storeContainerName } from "../../components/offline";
import { localStack, setStackConfig } from "./support/localStack";
import { containerRoutes, engineMajorVersion, inspect, namesWithLabel, processUids, type ContainerInfo, type NetworkInfo } from "./support/offlineEngine";
import { offlineStackConfig, removeLeftovers, startOfflineEnvironment, type OfflineEnvironment } from "./support/offlineEnvironment";
import { leftovers, reach, readMarkers, writeMarkers, type StoreMarkers } from "./support/offlineStores";
import { OFFLINE_STORES, STORE_PORTS, type OfflineStore } from "../../domain";

type Outputs = Record<string, { endpoints: TenantEndpoints; credentials: TenantCredentials }>;

const ACME = { id: "acme", config: {} };
const GLOBEX = { id: "globex", config: { quotas: { db_connections: 7 } } };
const INITECH = { id: "initech", config: {} };
const PLATFORM_CONTAINERS = [...OFFLINE_STORES.map(storeContainerName), PORT_PROXY_CONTAINER];
const MIB = 1024 * 1024;
const run = promisify(execFile);

describe("offline mode on a real Docker engine", () => {
  let env: OfflineEnvironment;
  let stack: Stack;
  let outputs: Outputs;
  let markers: StoreMarkers;
  const log: string[] = [];
  const onOutput = (line: string) => void log.push(line);

  async function tenantOutputs(): Promise<Outputs> {
    return (await stack.outputs())["tenantOutputs"]?.value as Outputs;
  }
  const container = async (name: string) => {
    const info = await inspect<ContainerInfo>(env.engine, "container", name);
    if (!info) throw new Error(`no container ${name} on the engine`);
    return info;
  };

  // A missing engine or image fails every test with the set-up's message (vitest would report a
  // failed beforeAll's tests as skipped).
  let setupError: unknown;
  beforeAll(async () => {
    try {
      env = await startOfflineEnvironment();
      ({ stack } = await localStack(`e2e-offline-${process.pid}`, offlineStackConfig(env, [ACME, GLOBEX])));
    } catch (error) {
      setupError = error;
    }
  });
  beforeEach(() => {
    if (setupError !== undefined) throw setupError;
  });
  afterAll(async () => {
    await stack?.destroy({ onOutput }).catch(() => undefined);
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    if (env) await removeLeftovers(env.engine, Object.values(env.volumes)).catch(() => undefined);
    await env?.stop();
  });

  it("pulumi up starts the platform's containers, each healthy, and provisions both tenants", async () => {
    const result = await stack.up({ onOutput });
    expect(result.summary.result, log.join("")).toBe("succeeded");
    for (const name of PLATFORM_CONTAINERS) {
      const info = await container(name);
      expect(info.State.Running, name).toBe(true);
      expect(info.State.Health?.Status, name).toBe("healthy");
    }
    outputs = await tenantOutputs();
    expect(Object.keys(outputs).sort()).toEqual(["acme", "globex"]);
  });

  it("leaves both tenants ACTIVE, isolation verified, with a valid audit chain", async () => {
    for (const id of ["acme", "globex"]) {
      expect((await env.controlPlane.registry.getTenant(id)).state, id).toBe("ACTIVE");
      const events = (await env.controlPlane.registry.listEvents(id)).map((e) => e.eventType);
      expect(events, id).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_AGE_KEY_UPDATED", "TENANT_ISOLATION_VERIFIED", "TENANT_PROVISIONED"]);
      expect((await env.controlPlane.registry.verifyChain(id)).ok, id).toBe(true);
    }
  });

  it("publishes every endpoint on 127.0.0.1 at the configured ports; each tenant's credentials work there and are refused on the other's namespace", async () => {
    const acme = outputs["acme"]!;
    const globex = outputs["globex"]!;
    expect(acme.endpoints.postgres).toMatchObject({ host: "127.0.0.1", port: env.ports.postgres });
    expect(acme.endpoints.minio.endpoint).toBe(`127.0.0.1:${env.ports.minio}`);
    expect(acme.endpoints.redis.url).toBe(`redis://127.0.0.1:${env.ports.redis}`);
    expect(acme.endpoints.qdrant.url).toBe(`http://127.0.0.1:${env.ports.qdrant}`);
    const all = { postgres: true, minio: true, redis: true, qdrant: true };
    const none = { postgres: false, minio: false, redis: false, qdrant: false };
    expect(await reach(acme.credentials, acme.endpoints)).toEqual(all);
    expect(await reach(globex.credentials, globex.endpoints)).toEqual(all);
    expect(await reach(acme.credentials, globex.endpoints)).toEqual(none);
    expect(await reach(globex.credentials, acme.endpoints)).toEqual(none);
  });

  it("the engine holds the containers' settings: read-only root, capabilities, no-new-privileges, limits, restart policy", async () => {
    const { resources } = offlineStackConfig(env, []).values["frostbyte:offline"] as { resources: Record<OfflineStore, { memoryMb: number; cpus: number }> };
    const limits = { ...resources, portProxy: PORT_PROXY_RESOURCES };
    const admins = [env.admins.postgres.password, env.admins.redis.password, env.admins.minio.password, env.admins.qdrant.apiKey];
    for (const [key, name] of [...OFFLINE_STORES.map((store) => [store, storeContainerName(store)] as const), ["portProxy", PORT_PROXY_CONTAINER] as const]) {
      const { HostConfig: host, Config: config, Mounts: mounts } = await container(name);
      expect(host.ReadonlyRootfs, name).toBe(true);
      expect(host.Privileged, name).toBe(false);
      expect(host.SecurityOpt, name).toEqual(["no-new-privileges:true"]);
      expect(host.CapDrop, name).toEqual(["ALL"]);
      expect(host.CapAdd ?? [], name).toEqual(key === "postgres" ? POSTGRES_ENTRYPOINT_CAPABILITIES : []);
      expect(host.Memory, name).toBe(limits[key].memoryMb * MIB);
      expect(host.MemorySwap, name).toBe(limits[key].memoryMb * MIB);
      expect(host.NanoCpus, name).toBe(limits[key].cpus * 1e9);
      expect(host.RestartPolicy.Name, name).toBe("unless-stopped");
      expect(Object.keys(host.Tmpfs ?? {}).length, name).toBeGreaterThan(0);
      for (const options of Object.values(host.Tmpfs ?? {})) expect(options, name).toMatch(/\bnoexec\b.*\bnosuid\b.*\bnodev\b/);
      expect(config.Labels[PLATFORM_LABEL], name).toBe("offline-stores");
      if (key !== "portProxy") expect(mounts.filter((m) => m.Type === "volume").map((m) => m.Name), name).toEqual([env.volumes[key]]);
      // The admin credentials are in the environment only (Docker shows that to whoever may inspect).
      const { Env: _env, ...rest } = config;
      const shown = JSON.stringify({ ...rest, HostConfig: host, Mounts: mounts });
      for (const secret of admins) expect(shown, name).not.toContain(secret);
    }
    // Nothing the entrypoints start keeps root where the official images drop it.
    expect(await processUids(env.engine, storeContainerName("postgres"), "postgres")).toEqual(["999"]);
    expect(await processUids(env.engine, storeContainerName("redis"), "redis-server")).toEqual(["999"]);
    expect(await processUids(env.engine, PORT_PROXY_CONTAINER, "haproxy")).toEqual(["99"]);
  });

  it("only the port proxy publishes ports, each on 127.0.0.1 only", async () => {
    for (const store of OFFLINE_STORES) expect((await container(storeContainerName(store))).HostConfig.PortBindings ?? {}, store).toEqual({});
    const bindings = (await container(PORT_PROXY_CONTAINER)).HostConfig.PortBindings ?? {};
    expect(bindings).toEqual(
      Object.fromEntries(OFFLINE_STORES.map((store) => [`${STORE_PORTS[store]}/tcp`, [{ HostIp: "127.0.0.1", HostPort: String(env.ports[store]) }]])),
    );
  });

  it("the store network is internal, and no store container has a route off it (read from the engine and /proc/net/route)", async () => {
    const internal = await inspect<NetworkInfo>(env.engine, "network", PLATFORM_NETWORKS.internal.name);
    const edge = await inspect<NetworkInfo>(env.engine, "network", PLATFORM_NETWORKS.edge.name);
    expect(internal?.Internal).toBe(true);
    expect(edge?.Internal).toBe(false);
    expect(edge?.Options).toMatchObject({ "com.docker.network.bridge.enable_ip_masquerade": "false", "com.docker.network.bridge.enable_icc": "false" });
    expect(Object.values(edge?.Containers ?? {}).map((c) => c.Name)).toEqual([PORT_PROXY_CONTAINER]);
    const major = await engineMajorVersion(env.engine);
    const [{ Subnet: subnet, Gateway: internalGateway }] = internal!.IPAM.Config as [{ Subnet: string; Gateway?: string }];
    for (const store of OFFLINE_STORES) {
      const name = storeContainerName(store);
      expect(Object.keys((await container(name)).NetworkSettings.Networks), name).toEqual([PLATFORM_NETWORKS.internal.name]);
      const routes = await containerRoutes(env.engine, name);
      expect(new Set(routes.map((route) => route.iface)), name).toEqual(new Set(["eth0"]));
      // One on-link route, to the internal network's own subnet.
      const onLink = routes.filter((route) => route.destination !== "0.0.0.0").map((route) => `${route.destination}/${route.mask}`);
      expect(onLink, name).toEqual([`${subnet.split("/")[0]}/${maskOf(subnet)}`]);
      const defaults = routes.filter((route) => route.destination === "0.0.0.0");
      // Docker 25 and later give a container on an internal network no default route at all; older
      // engines (Debian 12's 20.10) still point one at the internal bridge, which the engine's
      // isolation rules confine to the subnet. Either way, none leads to another network.
      if (major >= 25) expect(defaults, name).toEqual([]);
      else expect(defaults.map((route) => route.gateway), name).toEqual([internalGateway]);
    }
    if (major < 25) {
      // That confinement, read from the engine host's firewall (inspection only).
      const { stdout } = await run("iptables", ["-S", "DOCKER-ISOLATION-STAGE-1"]);
      expect(stdout).toContain(`-A DOCKER-ISOLATION-STAGE-1 ! -d ${subnet} -i ${PLATFORM_NETWORKS.internal.bridge} -j DROP`);
    }
  });

  it("a refresh finds no drift between the engine and the state, and a preview no change", async () => {
    await stack.refresh({ onOutput });
    const preview = await stack.preview({ diff: true });
    expect(Object.entries(preview.changeSummary).filter(([op, count]) => op !== "same" && count > 0), preview.stdout).toEqual([]);
  });

  it("suspending a tenant refuses its credentials on every store, at the published ports, and leaves its neighbour alone", async () => {
    await setStackConfig(stack, offlineStackConfig(env, [ACME, { ...GLOBEX, suspended: true }]));
    const result = await stack.up({ onOutput });
    expect(result.summary.result, log.join("")).toBe("succeeded");
    expect((await env.controlPlane.registry.getTenant("globex")).state).toBe("SUSPENDED");
    const { acme, globex } = outputs as { acme: Outputs[string]; globex: Outputs[string] };
    expect(await reach(globex.credentials, globex.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    expect(await reach(acme.credentials, acme.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("pulumi destroy removes every tenant and container, deprovisions both tenants, and keeps the volumes", async () => {
    await writeMarkers(env, "kept");
    markers = await readMarkers(env);
    expect(markers).toMatchObject({ postgres: "kept", minio: "kept", redis: "kept", qdrant: "kept" });
    const result = await stack.destroy({ onOutput });
    expect(result.summary.result, log.join("")).toBe("succeeded");
    expect(await namesWithLabel(env.engine, "container", PLATFORM_LABEL)).toEqual([]);
    expect(await namesWithLabel(env.engine, "network", PLATFORM_LABEL)).toEqual([]);
    for (const volume of Object.values(env.volumes)) expect(await inspect(env.engine, "volume", volume), volume).toBeDefined();
    for (const id of ["acme", "globex"]) {
      expect((await env.controlPlane.registry.getTenant(id)).state, id).toBe("DEPROVISIONED");
      expect((await env.controlPlane.registry.verifyChain(id)).ok, id).toBe(true);
    }
  });

  it("a second pulumi up adopts the volumes with their data intact, holds nothing of the destroyed tenants, and provisions a new one", async () => {
    await setStackConfig(stack, offlineStackConfig(env, [INITECH]));
    const result = await stack.up({ onOutput });
    expect(result.summary.result, log.join("")).toBe("succeeded");
    // The same PostgreSQL cluster (no second initdb), and every store's data as it was left.
    expect(await readMarkers(env)).toEqual(markers);
    for (const [id, tenant] of Object.entries(outputs)) {
      expect(await leftovers(env, id, tenant.endpoints, tenant.credentials), id).toEqual({
        database: false,
        role: false,
        bucket: false,
        minioUser: false,
        redisUser: false,
        redisKeys: false,
        collection: false,
        qdrantGrant: false,
      });
    }
    const initech = (await tenantOutputs())["initech"]!;
    expect((await env.controlPlane.registry.getTenant("initech")).state).toBe("ACTIVE");
    expect(await reach(initech.credentials, initech.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });
});

/** The dotted mask of a CIDR block such as 172.18.0.0/16. */
function maskOf(cidr: string): string {
  const bits = Number(cidr.split("/")[1]);
  const value = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}
