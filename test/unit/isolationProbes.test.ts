import { Client as pgClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollection, mintCollectionToken, putTokenGrant, tokenGrantPayload } from "../../components/qdrant";
import { redisAclRules, setAclUser } from "../../components/redis";
import { tenantNames } from "../../domain";
import { probePostgres } from "../../components/verification/postgresProbe";
import { probeQdrant } from "../../components/verification/qdrantProbe";
import { probeRedis } from "../../components/verification/redisProbe";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import { startQdrantApiDouble, type QdrantApiDouble } from "../doubles/qdrant/server";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { startRedis, type RedisServer } from "../support/redisServer";

describe("isolation probes with a tenant's own credentials", () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let qdrant: QdrantApiDouble;

  beforeAll(async () => {
    [pg, redis, qdrant] = await Promise.all([startPostgres({ trustedUsers: [] }), startRedis(), startQdrantApiDouble({ apiKey: "probe-admin-key" })]);
    for (const [db, role] of [["tenant_acme", "tenant_acme_app"], ["tenant_globex", "tenant_globex_app"]] as const) {
      await pg.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-${role}' NOSUPERUSER NOCREATEDB NOCREATEROLE`);
      await pg.createDatabase(db, role);
      await pg.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    }
    await pg.createDatabase("control_plane");
    await pg.query("REVOKE ALL ON DATABASE control_plane FROM PUBLIC");
    await prepareTenantPostgresServer(pg.superuserUrl, ["postgres"]);
  });
  afterAll(async () => {
    await Promise.all([pg?.stop(), redis?.stop(), qdrant?.close()]);
  });

  const pgInput = () => ({
    host: "127.0.0.1", port: pg.port, sslmode: "disable", user: "tenant_acme_app", password: "pw-tenant_acme_app",
    ownDatabase: "tenant_acme", foreignDatabase: "tenant_globex",
  });

  it("PostgreSQL: own database allowed, neighbour refused", async () => {
    const result = await probePostgres(pgInput());
    expect(result).toMatchObject({ store: "postgres", ownAllowed: true, foreignDenied: true });
    expect(result.evidence).toMatch(/permission denied for database "tenant_globex"/);
  });

  it("PostgreSQL: every database that is no tenant's is tried for real and refuses the tenant", async () => {
    const result = await probePostgres(pgInput());
    expect(result.evidence).toContain("refused on 3 other database(s): control_plane, postgres, template1");
  });

  it("PostgreSQL: a server whose own databases are still open to PUBLIC (not prepared) is a breach", async () => {
    await pg.query("GRANT CONNECT ON DATABASE postgres TO PUBLIC");
    try {
      const result = await probePostgres({ ...pgInput()});
      expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
      expect(result.evidence).toBe("can still connect to postgres");
    } finally {
      await prepareTenantPostgresServer(pg.superuserUrl, ["postgres"]);
    }
  });

  it("PostgreSQL: a non-tenant database granted to the tenant role itself is a breach", async () => {
    await pg.query("GRANT CONNECT ON DATABASE control_plane TO tenant_acme_app");
    try {
      const result = await probePostgres({ ...pgInput()});
      expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
      expect(result.evidence).toContain("control_plane");
    } finally {
      await pg.query("REVOKE ALL ON DATABASE control_plane FROM tenant_acme_app");
    }
  });

  it("PostgreSQL: a neighbour database still open to PUBLIC is a breach, even one the probe did not name", async () => {
    await pg.query("GRANT CONNECT ON DATABASE tenant_globex TO PUBLIC");
    const result = await probePostgres({ ...pgInput(), foreignDatabase: "tenant_isolation_probe" });
    expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
    expect(result.evidence).toContain("can still connect to tenant_globex");
    await pg.query("REVOKE ALL ON DATABASE tenant_globex FROM PUBLIC");
  });

  it("PostgreSQL: a neighbour's database between its CREATE and its REVOKE (closed to connections) is not a breach; opened before the REVOKE it is, at once", async () => {
    await pg.query("ALTER DATABASE tenant_globex ALLOW_CONNECTIONS false");
    await pg.query("GRANT CONNECT ON DATABASE tenant_globex TO PUBLIC");
    try {
      const closed = await probePostgres(pgInput());
      expect(closed).toMatchObject({ ownAllowed: true, foreignDenied: true });
      expect(closed.evidence).toMatch(/neighbour: .*"tenant_globex" is not currently accepting connections/);
      await pg.query("ALTER DATABASE tenant_globex ALLOW_CONNECTIONS true");
      const opened = await probePostgres(pgInput());
      expect(opened).toMatchObject({ ownAllowed: true, foreignDenied: false });
      expect(opened.evidence).toBe("can still connect to tenant_globex");
    } finally {
      await pg.query("REVOKE ALL ON DATABASE tenant_globex FROM PUBLIC");
      await pg.query("ALTER DATABASE tenant_globex ALLOW_CONNECTIONS true");
    }
  });

  it("PostgreSQL: the tenant's own database still open to PUBLIC is a breach", async () => {
    await pg.query("GRANT CONNECT ON DATABASE tenant_acme TO PUBLIC");
    try {
      const result = await probePostgres({ ...pgInput()});
      expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
      expect(result.evidence).toBe("its own database tenant_acme still grants CONNECT to PUBLIC");
    } finally {
      await pg.query("REVOKE ALL ON DATABASE tenant_acme FROM PUBLIC");
    }
  });

  it("PostgreSQL: another tenant's session left in the tenant's own database after its REVOKE is a breach", async () => {
    await pg.query("GRANT CONNECT ON DATABASE tenant_acme TO tenant_globex_app");
    const intruder = new pgClient({ connectionString: pg.url("tenant_acme", "tenant_globex_app", "pw-tenant_globex_app") });
    intruder.on("error", () => undefined);
    await intruder.connect();
    await pg.query("REVOKE ALL ON DATABASE tenant_acme FROM tenant_globex_app");
    try {
      const result = await probePostgres(pgInput());
      expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
      expect(result.evidence).toBe("its own database tenant_acme has sessions of other tenants' roles: tenant_globex_app");
    } finally {
      await intruder.end();
    }
  });

  it("PostgreSQL: a wrong password fails on the tenant's own database", async () => {
    const result = await probePostgres({ ...pgInput(), password: "wrong" });
    expect(result).toMatchObject({ ownAllowed: false });
    expect(result.evidence).toMatch(/password authentication failed/);
  });

  const admin = () => ({ url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword });

  it("Redis: own prefix allowed, neighbour prefix and channel refused", async () => {
    await setAclUser(admin(), { username: "tenant-acme", rules: redisAclRules(tenantNames("acme"), true), password: "acme-redis" });
    const result = await probeRedis({ url: redis.url, user: "tenant-acme", password: "acme-redis", ownPrefix: "tenant:acme:", foreignPrefix: "tenant:globex:" });
    expect(result).toMatchObject({ store: "redis", ownAllowed: true, foreignDenied: true });
  });

  it("Redis: a user with the whole keyspace is a breach", async () => {
    await setAclUser(admin(), { username: "tenant-loose", rules: ["reset", "on", "~*", "&*", "+@all"], password: "loose" });
    const result = await probeRedis({ url: redis.url, user: "tenant-loose", password: "loose", ownPrefix: "tenant:loose:", foreignPrefix: "tenant:globex:" });
    expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
  });

  it("Redis: category grants without the allowlist's exceptions are a breach: tracking and channel listings reach every tenant", async () => {
    const rules = ["reset", "on", "resetkeys", "~tenant:old:*", "resetchannels", "&tenant:old:*", "-@all", "+@read", "+@write", "+@connection", "+@transaction", "+@pubsub", "-@admin", "-@dangerous"];
    await setAclUser(admin(), { username: "tenant-old", rules, password: "old" });
    const result = await probeRedis({ url: redis.url, user: "tenant-old", password: "old", ownPrefix: "tenant:old:", foreignPrefix: "tenant:globex:" });
    expect(result).toMatchObject({ ownAllowed: true, foreignDenied: false });
    expect(result.evidence).toMatch(/metadata commands allowed: CLIENT TRACKING .*PUBSUB CHANNELS .*SCAN 0/);
  });

  it("Qdrant: the collection token reaches its collection only; the admin key would be a breach", async () => {
    const settings = { url: qdrant.url, apiKey: "probe-admin-key" };
    await createCollection(settings, { name: "tenant_acme", vectorSize: 768, distance: "Cosine" });
    await putTokenGrant(settings, tokenGrantPayload("acme", "initial", true));
    const token = await mintCollectionToken(settings.apiKey, "acme", "tenant_acme", "initial");
    const scoped = await probeQdrant({ url: qdrant.url, token, ownCollection: "tenant_acme", foreignCollection: "tenant_globex" });
    expect(scoped).toMatchObject({ store: "qdrant", ownAllowed: true, foreignDenied: true });
    const adminKey = await probeQdrant({ url: qdrant.url, token: "probe-admin-key", ownCollection: "tenant_acme", foreignCollection: "tenant_globex" });
    expect(adminKey).toMatchObject({ ownAllowed: true, foreignDenied: false });
  });
});
