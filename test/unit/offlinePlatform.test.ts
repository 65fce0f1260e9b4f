// The offline platform's pure functions (config rules, container and network arguments), and the
// Redis start script and health check, which are ours, run against a real redis-server. What the
// official images do with these settings is only seen on a real Docker host.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerCpusText, minioContainerSpec, platformNetworkArgs, portProxyConfig, portProxyContainerArgs, portProxyHealthCommand, POSTGRES_ENTRYPOINT_CAPABILITIES, postgresContainerSpec, qdrantContainerSpec, redisContainerSpec, redisHealthCommand, redisStartScript, storeContainerArgs } from "../../components/offline";
import { freePort } from "../support/freePort";
import { bindAddressProblem, dockerHostProblem, imageReferenceProblem, offlineConfigSchema } from "../../domain";

describe("frostbyte:offline rules, as pure functions", () => {
  it("publishes only on a private or loopback IPv4 address", () => {
    for (const ok of ["10.0.0.5", "172.16.0.1", "172.31.255.254", "192.168.1.10", "100.64.0.1", "127.0.0.1"]) expect(bindAddressProblem(ok), ok).toBeUndefined();
    expect(bindAddressProblem("0.0.0.0")).toContain("every interface");
    for (const bad of ["8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "256.1.1.1", "010.0.0.1", "::1", "10.0.0", "host"]) {
      expect(bindAddressProblem(bad), bad).toBeDefined();
    }
  });

  it("takes a Docker daemon over ssh, a unix socket or tcp with a port", () => {
    for (const ok of ["ssh://ops@10.0.0.5", "ssh://ops@docker.internal:2222", "unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"]) {
      expect(dockerHostProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ["10.0.0.5", "http://10.0.0.5", "ssh://", "ssh://ops@host/path", "unix://host/docker.sock", "tcp://10.0.0.5"]) {
      expect(dockerHostProblem(bad), bad).toBeDefined();
    }
  });

  it("takes only pinned images from a named registry", () => {
    for (const ok of [
      "registry.internal/library/postgres:17.5",
      "registry:5000/redis:7.4.2-alpine",
      `localhost:5000/qdrant/qdrant@sha256:${"a".repeat(64)}`,
      `registry.internal/minio/minio:RELEASE.2025-04-22T22-12-26Z@sha256:${"b".repeat(64)}`,
    ]) {
      expect(imageReferenceProblem(ok), ok).toBeUndefined();
    }
    expect(imageReferenceProblem("postgres:17")).toContain("registry");
    expect(imageReferenceProblem("library/postgres:17")).toContain("registry");
    expect(imageReferenceProblem("registry.internal/postgres")).toContain("pinned");
    expect(imageReferenceProblem("registry.internal/postgres:latest")).toContain("pinned");
    expect(imageReferenceProblem("registry.internal/Postgres:17")).toBeDefined();
  });

  it("fills in ports, limits and volume names", () => {
    const parsed = offlineConfigSchema.parse({
      dockerHost: "unix:///var/run/docker.sock",
      bindAddress: "10.0.0.5",
      images: { postgres: "r.internal/pg:17", redis: "r.internal/redis:7", minio: "r.internal/minio:1", qdrant: "r.internal/qdrant:1", portProxy: "r.internal/haproxy:2.6" },
      resources: { qdrant: { memoryMb: 3072 } },
    });
    expect(parsed.ports).toEqual({ postgres: 5432, redis: 6379, minio: 9000, qdrant: 6333 });
    expect(parsed.resources.qdrant).toEqual({ memoryMb: 3072, cpus: 2 });
    expect(parsed.resources.redis).toEqual({ memoryMb: 1024, cpus: 1 });
    expect(parsed.volumes).toEqual({
      postgres: "frostbyte-postgres-data", redis: "frostbyte-redis-data", minio: "frostbyte-minio-data", qdrant: "frostbyte-qdrant-data",
    });
  });
});

describe("store containers, as pure functions", () => {
  const admin = { user: "ops", password: "pw-not-in-argv" };
  const placement = {
    image: "sha256:abc",
    volumeName: "frostbyte-redis-data",
    network: "frostbyte-stores",
    resources: { memoryMb: 1000, cpus: 0.5 },
  };

  it("hardens every store the same way and keeps it on the internal network alone, with no published port", () => {
    const specs = [postgresContainerSpec(admin), redisContainerSpec(admin, 1000), minioContainerSpec(admin), qdrantContainerSpec({ apiKey: "pw-not-in-argv" })];
    for (const spec of specs) {
      const args = storeContainerArgs(spec, placement);
      expect(args, spec.store).toMatchObject({
        name: `frostbyte-${spec.store}`,
        readOnly: true,
        privileged: false,
        restart: "unless-stopped",
        wait: true,
        securityOpts: ["no-new-privileges:true"],
        memory: 1000,
        memorySwap: 1000,
        cpus: "0.5",
        volumes: [{ volumeName: "frostbyte-redis-data", containerPath: spec.dataPath }],
        networksAdvanced: [{ name: "frostbyte-stores", aliases: [spec.store] }],
      });
      // First real run: a store on the edge network too had its default route there (issue #14).
      expect(args.ports, spec.store).toBeUndefined();
      expect(args.healthcheck).toMatchObject({ tests: [...spec.healthcheck], retries: 6 });
      expect(args.capabilities, spec.store).toEqual(spec.store === "postgres" ? { drops: ["ALL"], adds: [...POSTGRES_ENTRYPOINT_CAPABILITIES] } : { drops: ["ALL"] });
      const { envs, ...shown } = args;
      expect(envs.some((e) => e.includes("pw-not-in-argv")), spec.store).toBe(true);
      expect(JSON.stringify(shown), spec.store).not.toContain("pw-not-in-argv");
    }
  });

  it("starts each store with the stack's admin credentials", () => {
    expect(postgresContainerSpec(admin).env).toMatchObject({ POSTGRES_USER: "ops", POSTGRES_PASSWORD: "pw-not-in-argv", PGDATA: "/var/lib/postgresql/data/pgdata" });
    expect(minioContainerSpec(admin).env).toMatchObject({ MINIO_ROOT_USER: "ops", MINIO_ROOT_PASSWORD: "pw-not-in-argv", MINIO_BROWSER: "off" });
    expect(redisContainerSpec(admin, 1000).env).toEqual({ REDIS_ADMIN_USER: "ops", REDISCLI_AUTH: "pw-not-in-argv" });
    expect(qdrantContainerSpec({ apiKey: "k" }).env).toMatchObject({ QDRANT__SERVICE__API_KEY: "k", QDRANT__SERVICE__JWT_RBAC: "true" });
  });

  it("gives Redis a third of a reserve below its memory limit and protected mode with ACLs", () => {
    const script = redisContainerSpec(admin, 1000).entrypoint!.join(" ");
    expect(script).toContain("--maxmemory 750mb");
    expect(script).toContain("--aclfile '/data/users.acl'");
    expect(script).toContain("--protected-mode yes");
  });

  it("writes the CPU limit the way Docker's provider reads it back, so a refresh shows no drift", () => {
    // The provider's own table (helpers_test.go, TestNanoInt64ToDecimalString), and its `10.`.
    expect([1, 1.5, 2, 0.5, 10, 10.5, 100, 0.1].map(dockerCpusText)).toEqual(["1.0", "1.5", "2.0", "0.5", "10.", "10.5", "100.", "0.1"]);
  });

  it("gives PostgreSQL only the capabilities its entrypoint needs, spelt as the engine reads them back", () => {
    // First real run: it kept Docker's whole default set; and a refresh saw `CAP_CHOWN` for
    // `CHOWN`, drift that would replace the container on the next up.
    expect(POSTGRES_ENTRYPOINT_CAPABILITIES).toEqual(["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"]);
  });

  it("keeps the store networks apart: one internal, one edge without masquerading", () => {
    const args = platformNetworkArgs("10.0.0.5");
    expect(args.internal).toMatchObject({ name: "frostbyte-stores", internal: true, driver: "bridge" });
    expect(args.edge).toMatchObject({
      name: "frostbyte-stores-edge",
      internal: false,
      options: {
        "com.docker.network.bridge.enable_ip_masquerade": "false",
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.bridge.host_binding_ipv4": "10.0.0.5",
      },
    });
  });
});

describe("the port proxy, as pure functions", () => {
  const ports = { postgres: 15432, redis: 16379, minio: 19000, qdrant: 16333 };
  const args = portProxyContainerArgs({ image: "sha256:def", networks: { internal: "frostbyte-stores", edge: "frostbyte-stores-edge" }, bindAddress: "10.0.0.5", ports });

  it("publishes every store's port on the bind address only, from both networks", () => {
    expect(args.ports).toEqual([
      { internal: 5432, external: 15432, ip: "10.0.0.5", protocol: "tcp" },
      { internal: 6379, external: 16379, ip: "10.0.0.5", protocol: "tcp" },
      { internal: 9000, external: 19000, ip: "10.0.0.5", protocol: "tcp" },
      { internal: 6333, external: 16333, ip: "10.0.0.5", protocol: "tcp" },
    ]);
    expect(args.networksAdvanced).toEqual([{ name: "frostbyte-stores" }, { name: "frostbyte-stores-edge" }]);
  });

  it("runs with the stores' hardening and no capability", () => {
    expect(args).toMatchObject({
      name: "frostbyte-port-proxy",
      readOnly: true,
      privileged: false,
      securityOpts: ["no-new-privileges:true"],
      capabilities: { drops: ["ALL"] },
      restart: "unless-stopped",
      wait: true,
      memory: 128,
      memorySwap: 128,
      cpus: "0.5",
    });
    expect(args.healthcheck).toMatchObject({ tests: portProxyHealthCommand() });
  });

  it("relays each store's port to the store by its alias, resolved while running", () => {
    const config = portProxyConfig();
    for (const [store, port] of [["postgres", 5432], ["redis", 6379], ["minio", 9000], ["qdrant", 6333]] as const) {
      expect(config).toContain(`frontend ${store}\n  bind :${port}\n  default_backend ${store}\n`);
      expect(config).toContain(`backend ${store}\n  server ${store} ${store}:${port}\n`);
    }
    expect(config).toContain("mode tcp");
    expect(config).toContain("nameserver docker 127.0.0.11:53");
    expect(config).toContain("init-addr last,libc,none resolvers docker");
    // The configuration reaches the container in its environment and lands on the tmpfs.
    expect(args.envs).toEqual([`HAPROXY_CONFIG=${config}`]);
    expect((args.entrypoints as string[]).join(" ")).toContain("> /tmp/haproxy.cfg && exec haproxy -db -f /tmp/haproxy.cfg");
  });

  it("counts healthy once every frontend accepts a connection", () => {
    expect(portProxyHealthCommand()).toEqual(["CMD", "bash", "-c", "for port in 5432 6379 9000 6333; do exec 3<>/dev/tcp/127.0.0.1/$port || exit 1; exec 3>&-; done"]);
  });
});

/** The Redis start script and health check, run for real against the Debian redis-server. */
describe("the Redis container's start script, against a real redis-server", () => {
  let dir: string;
  let port: number;
  let child: ChildProcess | undefined;

  async function start(adminUser: string, password: string): Promise<void> {
    const script = redisStartScript({ maxmemoryMb: 64, dataDir: dir, port, bind: "127.0.0.1" });
    child = spawn("sh", ["-c", script, "frostbyte-redis"], {
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", REDIS_ADMIN_USER: adminUser, REDISCLI_AUTH: password },
      stdio: "ignore",
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis start script exited with ${child.exitCode}`);
      if (await canLogIn(adminUser, password)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("redis-server did not accept the admin within 15 s");
  }

  async function stop(): Promise<void> {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  }

  /** The two client calls these tests make. */
  interface AdminCalls {
    ping(): Promise<string>;
    sendCommand(args: string[]): Promise<unknown>;
  }

  async function withClient<T>(username: string, password: string, work: (c: AdminCalls) => Promise<T>): Promise<T> {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, username, password, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.close().catch(() => client.destroy());
    }
  }

  async function canLogIn(username: string, password: string): Promise<boolean> {
    return withClient(username, password, async (c) => (await c.ping()) === "PONG").catch(() => false);
  }

  function healthCheck(adminUser: string, password: string): number {
    const [, command] = redisHealthCommand(port);
    return spawnSync("sh", ["-c", command!], { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", REDIS_ADMIN_USER: adminUser, REDISCLI_AUTH: password } }).status ?? -1;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "frostbyte-offline-redis-"));
    port = await freePort();
  });

  afterAll(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts with the admin from the environment, the default user off, and a health check that logs in", async () => {
    await start("frostbyte-admin", "first-admin-password");
    expect(await canLogIn("frostbyte-admin", "first-admin-password")).toBe(true);
    expect(await canLogIn("frostbyte-admin", "wrong")).toBe(false);
    expect(await canLogIn("default", "")).toBe(false);
    expect(healthCheck("frostbyte-admin", "first-admin-password")).toBe(0);
    expect(healthCheck("frostbyte-admin", "wrong")).not.toBe(0);
    const acl = await readFile(join(dir, "users.acl"), "utf8");
    expect(acl).not.toContain("first-admin-password");
    // sh exec'd redis-server, so the child is the server: the password is gone from its environment.
    expect(await readFile(`/proc/${child!.pid}/environ`, "utf8")).not.toContain("first-admin-password");
    expect(acl).toMatch(/^user frostbyte-admin on #[0-9a-f]{64} ~\* &\* \+@all$/m);
  });

  it("keeps saved tenant users across a restart and takes a changed admin password", async () => {
    await withClient("frostbyte-admin", "first-admin-password", async (c) => {
      await c.sendCommand(["ACL", "SETUSER", "tenant-acme", "on", ">tenant-pw", "resetkeys", "~tenant:acme:*", "-@all", "+@read", "+@connection"]);
      await c.sendCommand(["ACL", "SAVE"]);
    });
    await stop();
    await start("frostbyte-admin", "second-admin-password");
    expect(await canLogIn("frostbyte-admin", "second-admin-password")).toBe(true);
    expect(await canLogIn("frostbyte-admin", "first-admin-password")).toBe(false);
    expect(await canLogIn("tenant-acme", "tenant-pw")).toBe(true);
    expect(await canLogIn("default", "")).toBe(false);
  });

  it("can hand the admin role back to the default user", async () => {
    await stop();
    await start("default", "default-admin-password");
    expect(await canLogIn("default", "default-admin-password")).toBe(true);
    expect(await canLogIn("tenant-acme", "tenant-pw")).toBe(true);
    expect(healthCheck("default", "default-admin-password")).toBe(0);
  });
});
