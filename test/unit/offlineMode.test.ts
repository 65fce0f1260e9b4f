// Offline mode under Pulumi mocks: what the program registers, with which inputs, parents and
// dependencies, and what config it refuses. The pure functions and the Redis start script are in
// offlinePlatform.test.ts; the real engine runs in test/e2e/offlineStack.test.ts.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { promiseOf, type Registration } from "../support/pulumiMocks";
import { runProgram } from "../support/runProgram";
import { sampleOfflineStackConfig, sampleStackConfig } from "../support/sampleStackConfig";
import { OFFLINE_STORES, type OfflineStore } from "../../domain";

const T = {
  platform: "frostbyte:offline:StorePlatform",
  provider: "pulumi:providers:docker",
  network: "docker:index/network:Network",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  container: "docker:index/container:Container",
  tenant: "frostbyte:tenant:Tenant",
  postgresPreparation: "pulumi-nodejs:dynamic/frostbyte:OfflinePostgresPreparation",
  minioProvider: "pulumi:providers:minio",
  postgresProvider: "pulumi:providers:postgresql",
} as const;

/** The sample's admin secrets (test/support/sampleStackConfig.ts); none may appear outside a secret. */
const ADMIN_SECRETS = ["test-postgres-admin", "test-minio-admin", "test-redis-admin", "test-qdrant-admin-key"];
const SECRET_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_KEY] === SECRET_SIG;
}

/** The inputs with every secret replaced by a marker, so what is left is what Pulumi shows. */
function withoutSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

function ofType(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((r) => r.type === type);
}

function only(registrations: readonly Registration[], type: string): Registration {
  const found = ofType(registrations, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

const BAD_OFFLINE: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["frostbyte:offline.bindAddress", { bindAddress: "0.0.0.0" }],
  ["frostbyte:offline.bindAddress", { bindAddress: "203.0.113.7" }],
  ["frostbyte:offline.bindAddress", { bindAddress: "10.0.0" }],
  ["frostbyte:offline.dockerHost", { dockerHost: "http://10.0.0.5:2375" }],
  ["frostbyte:offline.dockerHost", { dockerHost: "tcp://10.0.0.5" }],
  ["frostbyte:offline.tlsCertPath", { dockerHost: "tcp://10.0.0.5:2376" }],
  ["frostbyte:offline.tlsCertPath", { tlsCertPath: "/etc/docker/certs" }],
  ["frostbyte:offline.images.redis", { images: { postgres: "r.internal/pg:17", redis: "redis:7.4", minio: "r.internal/minio:1", qdrant: "r.internal/qdrant:1" } }],
  ["frostbyte:offline.images.minio", { images: { postgres: "r.internal/pg:17", redis: "r.internal/redis:7", minio: "r.internal/minio:latest", qdrant: "r.internal/qdrant:1" } }],
  ["frostbyte:offline.images.qdrant", { images: { postgres: "r.internal/pg:17", redis: "r.internal/redis:7", minio: "r.internal/minio:1", portProxy: "r.internal/haproxy:2.6" } }],
  ["frostbyte:offline.images.portProxy", { images: { postgres: "r.internal/pg:17", redis: "r.internal/redis:7", minio: "r.internal/minio:1", qdrant: "r.internal/qdrant:1" } }],
  ["frostbyte:offline.ports.redis", { ports: { redis: 5432 } }],
  ["frostbyte:offline.ports.minio", { ports: { minio: 70000 } }],
  ["frostbyte:offline.resources.qdrant.memoryMb", { resources: { qdrant: { memoryMb: 64 } } }],
  ["frostbyte:offline.resources.redis.cpus", { resources: { redis: { cpus: 0 } } }],
  ["frostbyte:offline.resources.minio.cpus", { resources: { minio: { cpus: 0.25 } } }],
  ["frostbyte:offline.volumes.minio", { volumes: { minio: "frostbyte-postgres-data" } }],
  ["frostbyte:offline.extra", { extra: true }],
];

/** Each breaks the agreement between the platform and the stores' own settings, at the path given. */
const MISMATCHED: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["frostbyte:qdrant.url", { "frostbyte:qdrant": { url: "https://127.0.0.1:6333", apiKey: "test-qdrant-admin-key" } }],
  ["frostbyte:redis.url", { "frostbyte:redis": { url: "redis://10.9.9.9:6379", adminUser: "default", adminPassword: "test-redis-admin" } }],
  ["frostbyte:redis.adminUser", { "frostbyte:redis": { url: "redis://127.0.0.1:6379", adminUser: "ops admin", adminPassword: "test-redis-admin" } }],
  ["minio:minioServer", { "minio:minioServer": "127.0.0.1:9001" }],
  ["minio:minioSsl", { "minio:minioSsl": "true" }],
  ["minio:minioPassword", { "minio:minioPassword": "tiny-pw" }],
  ["postgresql:host", { "postgresql:host": "10.0.0.5" }],
  ["postgresql:port", { "postgresql:port": "15432" }],
  ["postgresql:sslmode", { "postgresql:sslmode": "require" }],
];

function withOffline(change: Record<string, unknown>): Record<string, unknown> {
  const base = sampleOfflineStackConfig()["frostbyte:offline"] as Record<string, unknown>;
  return sampleOfflineStackConfig({ "frostbyte:offline": { ...base, ...change } });
}

describe("frostbyte:offline is validated before anything is registered", () => {
  it.each(BAD_OFFLINE)("%s", async (path, change) => {
    const run = await runProgram(withOffline(change));
    expect(run.error?.message).toContain(`${path}:`);
    expect(run.registrations).toEqual([]);
  });

  it.each(MISMATCHED)("%s must agree with the platform", async (path, overrides) => {
    const run = await runProgram(sampleOfflineStackConfig(overrides));
    expect(run.error?.message).toContain(`${path}:`);
    expect(run.error?.message).not.toMatch(/tiny-pw|test-[a-z]+-admin/);
    expect(run.registrations).toEqual([]);
  });

  it("is required in offline mode", async () => {
    const config = sampleOfflineStackConfig();
    delete config["frostbyte:offline"];
    const run = await runProgram(config);
    expect(run.error?.message).toContain("frostbyte:offline: is required");
    expect(run.registrations).toEqual([]);
  });

  it("is refused in online mode", async () => {
    const offline = sampleOfflineStackConfig()["frostbyte:offline"];
    const run = await runProgram(sampleStackConfig({ "frostbyte:offline": offline }));
    expect(run.error?.message).toContain("frostbyte:offline: is set but frostbyte:mode is online");
    expect(run.registrations).toEqual([]);
  });

  it("accepts other ports when the stores' settings follow them", async () => {
    const base = sampleOfflineStackConfig()["frostbyte:offline"] as Record<string, unknown>;
    const run = await runProgram(
      sampleOfflineStackConfig({
        "frostbyte:offline": { ...base, ports: { postgres: 15432 } },
        "postgresql:port": "15432",
      }),
    );
    if (run.error) throw run.error;
    const proxy = ofType(run.registrations, T.container).find((c) => c.inputs["name"] === "frostbyte-port-proxy")!;
    expect(proxy.inputs["ports"]).toContainEqual({ internal: 5432, external: 15432, ip: "127.0.0.1", protocol: "tcp" });
    const endpoints = await promiseOf(run.program!.tenantOutputs["acme"]!.endpoints);
    expect(endpoints.postgres).toMatchObject({ host: "127.0.0.1", port: 15432 });
  });
});

describe("the program under mocks, offline mode with the store platform", () => {
  let registrations: Registration[];
  let program: NonNullable<Awaited<ReturnType<typeof runProgram>>["program"]>;
  const containerOf = (store: OfflineStore) => ofType(registrations, T.container).find((c) => c.inputs["name"] === `frostbyte-${store}`)!;
  const proxy = () => ofType(registrations, T.container).find((c) => c.inputs["name"] === "frostbyte-port-proxy")!;

  beforeAll(async () => {
    const base = sampleOfflineStackConfig()["frostbyte:offline"] as Record<string, unknown>;
    const run = await runProgram(sampleOfflineStackConfig({ "frostbyte:offline": { ...base, resources: { qdrant: { memoryMb: 3072, cpus: 1.5 } } } }));
    if (run.error) throw run.error;
    registrations = run.registrations;
    program = run.program!;
  });

  it("registers one platform with a Docker provider for the configured host, and nothing of Hetzner", () => {
    const platform = only(registrations, T.platform);
    const provider = only(registrations, T.provider);
    expect(provider.inputs).toMatchObject({ host: "ssh://ops@10.0.0.5" });
    expect(provider.parent).toBe(platform.urn);
    expect(registrations.filter((r) => r.type.startsWith("hcloud:") || r.type === "pulumi:providers:hcloud")).toEqual([]);
    const docker = registrations.filter((r) => r.type.startsWith("docker:"));
    expect(docker.every((r) => r.parent === platform.urn)).toBe(true);
    // Two networks; image, volume and container per store; the port proxy's image and container.
    expect(docker).toHaveLength(2 + 3 * OFFLINE_STORES.length + 2);
  });

  it("registers exactly one internal network, and the edge network beside it", () => {
    const networks = ofType(registrations, T.network);
    expect(networks.filter((n) => n.inputs["internal"] === true).map((n) => n.inputs["name"])).toEqual(["frostbyte-stores"]);
    expect(networks.map((n) => n.inputs["name"]).sort()).toEqual(["frostbyte-stores", "frostbyte-stores-edge"]);
  });

  it("registers one pinned image, one named volume and one container per store, and the port proxy's image and container", () => {
    const config = sampleOfflineStackConfig()["frostbyte:offline"] as { images: Record<string, string> };
    expect(ofType(registrations, T.image).map((i) => i.inputs).sort((a, b) => String(a["name"]).localeCompare(String(b["name"])))).toEqual(
      Object.values(config.images).sort().map((name) => ({ name, keepLocally: true })),
    );
    expect(ofType(registrations, T.volume).map((v) => v.inputs["name"]).sort()).toEqual(OFFLINE_STORES.map((s) => `frostbyte-${s}-data`).sort());
    expect(ofType(registrations, T.container).map((c) => c.inputs["name"]).sort()).toEqual([...OFFLINE_STORES.map((s) => `frostbyte-${s}`), "frostbyte-port-proxy"].sort());
  });

  it("gives every store container a health check, limits, a read-only root and no published port", () => {
    const health: Record<OfflineStore, RegExp> = { postgres: /pg_isready/, redis: /redis-cli .* ping/, minio: /mc ready local/, qdrant: /\/readyz/ };
    const memory: Record<OfflineStore, number> = { postgres: 2048, redis: 1024, minio: 2048, qdrant: 3072 };
    for (const store of OFFLINE_STORES) {
      const inputs = containerOf(store).inputs;
      expect((inputs["healthcheck"] as { tests: string[] }).tests.join(" "), store).toMatch(health[store]);
      expect(inputs, store).toMatchObject({ memory: memory[store], memorySwap: memory[store], readOnly: true, privileged: false, wait: true, restart: "unless-stopped" });
      expect(typeof inputs["cpus"], store).toBe("string");
      expect(inputs["ports"], store).toBeUndefined();
      expect(inputs["publishAllPorts"], store).toBeUndefined();
    }
    expect(containerOf("qdrant").inputs["cpus"]).toBe("1.5");
  });

  it("publishes every store's port from the port proxy alone, on the bind address", () => {
    const ports: Record<OfflineStore, number> = { postgres: 5432, redis: 6379, minio: 9000, qdrant: 6333 };
    expect(proxy().inputs["ports"]).toEqual(OFFLINE_STORES.map((store) => ({ internal: ports[store], external: ports[store], ip: "127.0.0.1", protocol: "tcp" })));
    expect(proxy().inputs).toMatchObject({ readOnly: true, privileged: false, wait: true, capabilities: { drops: ["ALL"] } });
  });

  it("wires each store to its own image, its volume and the internal network alone; the port proxy to both networks, after every store", () => {
    const urnOf = (type: string, name: string) => ofType(registrations, type).find((r) => r.inputs["name"] === name)!.urn;
    const edge = urnOf(T.network, "frostbyte-stores-edge");
    for (const store of OFFLINE_STORES) {
      const container = containerOf(store);
      const image = ofType(registrations, T.image).find((i) => String(i.inputs["name"]).includes(`/${store}`))!;
      expect(container.dependencies, store).toEqual(expect.arrayContaining([image.urn, urnOf(T.volume, `frostbyte-${store}-data`), urnOf(T.network, "frostbyte-stores")]));
      expect(container.dependencies, store).not.toContain(edge);
      expect(container.inputs["networksAdvanced"], store).toHaveLength(1);
    }
    const proxyImage = ofType(registrations, T.image).find((i) => String(i.inputs["name"]).includes("/haproxy"))!;
    expect(proxy().dependencies).toEqual(expect.arrayContaining([proxyImage.urn, urnOf(T.network, "frostbyte-stores"), edge, ...OFFLINE_STORES.map((s) => containerOf(s).urn)]));
  });

  it("hands the admin credentials to the containers only as secrets", () => {
    const expected: Record<OfflineStore, string> = {
      postgres: "POSTGRES_PASSWORD=test-postgres-admin",
      redis: "REDISCLI_AUTH=test-redis-admin",
      minio: "MINIO_ROOT_PASSWORD=test-minio-admin",
      qdrant: "QDRANT__SERVICE__API_KEY=test-qdrant-admin-key",
    };
    for (const store of OFFLINE_STORES) {
      const envs = containerOf(store).inputs["envs"];
      expect(isSecretValue(envs), store).toBe(true);
      expect((envs as { value: string[] }).value, store).toContain(expected[store]);
    }
    for (const resource of registrations.filter((r) => r.type.startsWith("docker:") || r.type === T.provider)) {
      const shown = JSON.stringify(withoutSecrets(resource.inputs));
      for (const secret of ADMIN_SECRETS) expect(shown, `${resource.name} shows ${secret}`).not.toContain(secret);
    }
  });

  it("closes the platform PostgreSQL's own databases once it is reachable through the port proxy", () => {
    const preparation = only(registrations, T.postgresPreparation);
    expect(preparation.parent).toBe(only(registrations, T.platform).urn);
    expect(preparation.dependencies).toEqual(expect.arrayContaining([containerOf("postgres").urn, proxy().urn]));
    expect(preparation.inputs).toMatchObject({ adminRole: "postgres" });
    // First real run: without it every tenant's isolation verification failed (postgres, template1).
    for (const tenant of ofType(registrations, T.tenant)) expect(tenant.dependencies, tenant.name).toContain(preparation.urn);
  });

  it("makes every tenant, and the store providers, wait for every container", () => {
    const containers = ofType(registrations, T.container).map((c) => c.urn);
    expect(containers).toHaveLength(5);
    for (const dependent of [...ofType(registrations, T.tenant), only(registrations, T.minioProvider), only(registrations, T.postgresProvider)]) {
      expect(dependent.dependencies, dependent.name).toEqual(expect.arrayContaining(containers));
    }
  });

  it("orders every tenant resource after the containers, through its Tenant or its own dependencies", () => {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const reaches = (from: Registration, target: string): boolean => {
      const seen = new Set<string>();
      const queue = [from.urn];
      while (queue.length > 0) {
        const current = byUrn.get(queue.pop()!);
        if (!current) continue;
        for (const next of [...current.dependencies, current.parent]) {
          if (next === target) return true;
          if (next && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      return false;
    };
    const tenants = new Set(ofType(registrations, T.tenant).map((t) => t.urn));
    const underTenant = (r: Registration): boolean => tenants.has(r.parent) || (byUrn.has(r.parent) && underTenant(byUrn.get(r.parent)!));
    const tenantResources = registrations.filter((r) => r.custom && underTenant(r));
    expect(tenantResources.length).toBeGreaterThan(20);
    for (const resource of tenantResources) {
      for (const container of ofType(registrations, T.container)) expect(reaches(resource, container.urn), `${resource.name} → ${container.name}`).toBe(true);
    }
  });

  it("publishes the stores to tenants at the bind address and published ports", async () => {
    for (const [tenant, outputs] of Object.entries(program.tenantOutputs)) {
      const endpoints = await promiseOf(outputs.endpoints);
      expect(endpoints.minio, tenant).toMatchObject({ endpoint: "127.0.0.1:9000", ssl: false });
      expect(endpoints.postgres, tenant).toMatchObject({ host: "127.0.0.1", port: 5432 });
      expect(endpoints.redis.url, tenant).toBe("redis://127.0.0.1:6379");
      expect(endpoints.qdrant.url, tenant).toBe("http://127.0.0.1:6333");
      expect(endpoints.server, tenant).toBeUndefined();
    }
  });
});
