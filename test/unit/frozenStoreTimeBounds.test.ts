/**
 * The realistic case of a store that stops answering: real servers stopped with SIGSTOP. They keep
 * their port (the kernel still accepts connections) and answer nothing, as a hung or overloaded
 * store would. The probes and admin calls give up within their (small) bound with a
 * StoreTimeoutError, and work again once the server runs again. Also a connected PostgreSQL call
 * whose statement waits behind another session's lock.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateRoleSessions } from "../../components/postgres/sessionCutoff";
import { getAclLine, redisAclRules, setAclUser, type RedisAdminSettings } from "../../components/redis";
import { StoreTimeoutError } from "../../components/timeBounds";
import { probePostgres } from "../../components/verification/postgresProbe";
import { probeRedis } from "../../components/verification/redisProbe";
import { tenantNames } from "../../domain";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { startRedis, type RedisServer } from "../support/redisServer";

const BOUND_MS = 500;

describe("a Redis server stopped with SIGSTOP", () => {
  let redis: RedisServer;
  let admin: RedisAdminSettings;
  const probeInput = () => ({ url: redis.url, user: "tenant-acme", password: "acme-frozen-pw", ownPrefix: "tenant:acme:", foreignPrefix: "tenant:isolation-probe:", timeoutMs: BOUND_MS });

  beforeAll(async () => {
    redis = await startRedis();
    admin = { url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword };
    await setAclUser(admin, { username: "tenant-acme", rules: redisAclRules(tenantNames("acme"), true), password: "acme-frozen-pw" });
  });
  afterAll(async () => redis?.stop());

  it("fails the probe and the admin calls with a StoreTimeoutError, and both work once it runs again", async () => {
    redis.freeze();
    try {
      const probe = await probeRedis(probeInput()).catch((error: unknown) => error);
      expect(probe).toBeInstanceOf(StoreTimeoutError);
      expect((probe as Error).message).toBe(
        "Redis: gave up on login as tenant-acme (isolation probe) after 0.5 s without an answer; check that the server is up and answering",
      );
      const adminCall = await getAclLine(admin, "tenant-acme", BOUND_MS).catch((error: unknown) => error);
      expect(adminCall).toBeInstanceOf(StoreTimeoutError);
      expect((adminCall as Error).message).toContain("Redis: gave up on ACL LIST (for tenant-acme) after 0.5 s");
      expect((adminCall as Error).message).not.toContain(redis.adminPassword);
    } finally {
      redis.thaw();
    }
    expect(await probeRedis(probeInput())).toMatchObject({ store: "redis", ownAllowed: true, foreignDenied: true });
    expect(await getAclLine(admin, "tenant-acme", BOUND_MS)).toMatch(/^user tenant-acme on /);
  });
});

describe("a PostgreSQL server whose postmaster is stopped with SIGSTOP", () => {
  let pg: PostgresServer;
  let postmasterPid: number;
  const probeInput = () => ({
    host: "127.0.0.1", port: pg.port, sslmode: "disable", user: "tenant_acme_app", password: "acme-frozen-pw",
    ownDatabase: "tenant_acme", foreignDatabase: "tenant_isolation_probe", timeoutMs: BOUND_MS,
  });
  const admin = () => ({ host: "127.0.0.1", port: pg.port, user: "postgres", password: "", database: "postgres", sslmode: "disable" });

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.query("CREATE ROLE tenant_acme_app LOGIN PASSWORD 'acme-frozen-pw'");
    await pg.createDatabase("tenant_acme", "tenant_acme_app");
    await pg.query("REVOKE ALL ON DATABASE tenant_acme FROM PUBLIC");
    // postmaster.pid's first line is the postmaster's process id.
    const { rows } = await pg.query<{ pid: string }>("SELECT split_part(pg_read_file('postmaster.pid'), E'\\n', 1) AS pid");
    postmasterPid = Number(rows[0]!.pid);
  });
  afterAll(async () => pg?.stop());

  it("fails the probe and the session cutoff with a StoreTimeoutError, and both work once it runs again", async () => {
    process.kill(postmasterPid, "SIGSTOP");
    try {
      const probe = await probePostgres(probeInput()).catch((error: unknown) => error);
      expect(probe).toBeInstanceOf(StoreTimeoutError);
      expect((probe as Error).message).toContain("PostgreSQL: gave up on connect to tenant_acme (isolation probe) after 0.5 s");
      const cutoff = await terminateRoleSessions(admin(), "tenant_acme_app", BOUND_MS).catch((error: unknown) => error);
      expect(cutoff).toBeInstanceOf(StoreTimeoutError);
      expect((cutoff as Error).message).toContain("PostgreSQL: gave up on ending the sessions of tenant_acme_app after 0.5 s");
    } finally {
      process.kill(postmasterPid, "SIGCONT");
    }
    expect(await probePostgres({ ...probeInput(), timeoutMs: 10_000 })).toMatchObject({ store: "postgres", ownAllowed: true });
    expect(await terminateRoleSessions(admin(), "tenant_acme_app", 10_000)).toBe(0);
  });

  it("gives up on a connected call whose statement waits behind another session's lock, and leaves nothing half-done", async () => {
    const holder = new Client({ connectionString: pg.superuserUrl });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("GRANT CONNECT ON DATABASE template1 TO PUBLIC");
      const prepared = await prepareTenantPostgresServer(pg.superuserUrl, ["postgres"], BOUND_MS).catch((error: unknown) => error);
      expect(prepared).toBeInstanceOf(StoreTimeoutError);
      expect((prepared as Error).message).toContain("PostgreSQL: gave up on preparing the tenant-database server after 0.5 s");
      await holder.query("ROLLBACK");
    } finally {
      await holder.end();
    }
    const stillOpen = await pg.query<{ open: boolean }>("SELECT has_database_privilege('public', 'postgres', 'CONNECT') AS open");
    expect(stillOpen.rows[0]?.open).toBe(true);
  });
});
