/**
 * Suspension and rotation end the sessions a tenant opened before them: Redis checks `on`/`off` and
 * the password only at AUTH, PostgreSQL checks LOGIN and the password only when a session starts.
 * Real redis-server and PostgreSQL; each case first shows the session surviving the change alone.
 */
import pg from "pg";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantNames } from "../../domain";
import { terminateRoleSessions } from "../../components/postgres/sessionCutoff";
import { cutoffNeeded } from "../../components/postgres/sessionCutoffResource";
import { disconnectAclUser, redisAclRules, setAclUser, updateEndsSessions } from "../../components/redis";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { startRedis, type RedisServer } from "../support/redisServer";

const acme = tenantNames("acme");

describe("Redis: a suspended or rotated user's open connections are cut", () => {
  let redis: RedisServer;
  const admin = () => ({ url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword });
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  async function connect(password: string) {
    const client = createClient({ url: redis.url, username: acme.redis.user, password, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  it("switching the user off leaves an open connection working until it is cut", async () => {
    await setAclUser(admin(), { username: acme.redis.user, rules: redisAclRules(acme, true), password: "p1" });
    const session = await connect("p1");
    await setAclUser(admin(), { username: acme.redis.user, rules: redisAclRules(acme, false), password: "p1" });
    expect(await session.set("tenant:acme:still", "1")).toBe("OK"); // the gap the cutoff closes
    expect(await disconnectAclUser(admin(), acme.redis.user)).toBe(1);
    await expect(session.get("tenant:acme:still")).rejects.toThrow();
    await expect(connect("p1")).rejects.toThrow(/WRONGPASS|disabled/i);
  });

  it("a rotation cuts sessions opened with the old password", async () => {
    await setAclUser(admin(), { username: acme.redis.user, rules: redisAclRules(acme, true), password: "p1" });
    const session = await connect("p1");
    await setAclUser(admin(), { username: acme.redis.user, rules: redisAclRules(acme, true), password: "p2" });
    expect(await disconnectAclUser(admin(), acme.redis.user)).toBe(1);
    await expect(session.ping()).rejects.toThrow();
    const fresh = await connect("p2");
    expect(await fresh.ping()).toBe("PONG");
    await fresh.close();
  });

  it("the provider cuts on suspension and on a new password, and not on other changes", () => {
    const rules = redisAclRules(acme, true);
    expect(updateEndsSessions({ password: "p" }, { username: "u", rules: redisAclRules(acme, false), password: "p" })).toBe(true);
    expect(updateEndsSessions({ password: "p" }, { username: "u", rules, password: "q" })).toBe(true);
    expect(updateEndsSessions({ password: "p" }, { username: "u", rules, password: "p" })).toBe(false);
  });
});

describe("PostgreSQL: a suspended or rotated role's open sessions are ended", () => {
  let server: PostgresServer;
  const role = acme.postgres.role;
  const settings = () => ({ host: "127.0.0.1", port: server.port, user: "tenant_admin", password: "admin-pass", database: "postgres", sslmode: "disable" });

  beforeAll(async () => {
    server = await startPostgres({ trustedUsers: [] });
    await server.query("CREATE ROLE tenant_admin LOGIN CREATEROLE CREATEDB PASSWORD 'admin-pass'");
    await server.query(`CREATE ROLE ${role} LOGIN PASSWORD 'p1'`);
    await server.createDatabase(acme.postgres.database, role);
    await server.query(`REVOKE ALL ON DATABASE ${acme.postgres.database} FROM PUBLIC`);
  });
  afterAll(async () => server?.stop());

  async function session(password: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url(acme.postgres.database, role, password) });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  it("an admin that is no superuser cannot end them until the server is prepared; then NOLOGIN plus the cutoff ends the session", async () => {
    const open = await session("p1");
    await server.query(`ALTER ROLE ${role} NOLOGIN`);
    expect((await open.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]); // NOLOGIN alone ends nothing
    await expect(terminateRoleSessions(settings(), role)).rejects.toThrow(/pg_signal_backend|permission denied/);
    await prepareTenantPostgresServer(server.superuserUrl, ["tenant_admin"]);
    expect(await terminateRoleSessions(settings(), role)).toBe(1);
    await expect(open.query("SELECT 1")).rejects.toThrow();
    await expect(session("p1")).rejects.toThrow(/not permitted to log in/);
  });

  it("a new password plus the cutoff ends sessions opened with the old one", async () => {
    await server.query(`ALTER ROLE ${role} LOGIN PASSWORD 'p1'`);
    const open = await session("p1");
    await server.query(`ALTER ROLE ${role} PASSWORD 'p2'`);
    expect(await terminateRoleSessions(settings(), role)).toBe(1);
    await expect(open.query("SELECT 1")).rejects.toThrow();
    const fresh = await session("p2");
    await fresh.end();
  });

  it("the provider cuts while suspended and on a rotation, and not on other changes", () => {
    const base = { role, suspended: false, rotation: "initial", providerVersion: "1" };
    expect(cutoffNeeded(base, { ...base, suspended: true })).toBe(true);
    expect(cutoffNeeded(base, { ...base, rotation: "r2" })).toBe(true);
    expect(cutoffNeeded(base, base)).toBe(false);
    expect(cutoffNeeded(undefined, base)).toBe(false);
  });
});
