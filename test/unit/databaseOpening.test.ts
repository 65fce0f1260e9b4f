/**
 * A tenant's database is created with no connections allowed and opened only after PUBLIC's CONNECT
 * is revoked (components/postgres/databaseOpening.ts), so no other tenant can enter it, and stay in
 * it, while it is new. Real PostgreSQL, with an admin that is no superuser (CREATEROLE, CREATEDB) as
 * a prepared production server has, and with a superuser.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTenantDatabase } from "../../components/postgres/databaseOpening";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
const adminSettings = (user: string, password: string) => ({ host: "127.0.0.1", port: server.port, user, password, database: "postgres", sslmode: "disable" });

beforeAll(async () => {
  server = await startPostgres({ trustedUsers: [] });
  await server.query("CREATE ROLE tenant_admin LOGIN CREATEROLE CREATEDB PASSWORD 'admin-pass'");
  await server.query("ALTER ROLE postgres PASSWORD 'super-pass'");
  await server.query("CREATE ROLE tenant_other_app LOGIN PASSWORD 'other-pass'");
});
afterAll(async () => server?.stop());

/** What the postgresql provider does as `admin`: the role, then the database it owns, created closed. */
async function createClosedDatabase(admin: { user: string; password: string }, tenant: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url("postgres", admin.user, admin.password) });
  await client.connect();
  try {
    await client.query(`CREATE ROLE tenant_${tenant}_app LOGIN PASSWORD 'pw-${tenant}'`);
    await client.query(`GRANT tenant_${tenant}_app TO CURRENT_USER`);
    await client.query(`CREATE DATABASE tenant_${tenant} OWNER tenant_${tenant}_app ALLOW_CONNECTIONS false`);
    await client.query(`REVOKE tenant_${tenant}_app FROM CURRENT_USER`);
  } finally {
    await client.end();
  }
}

const connectAs = async (role: string, password: string, database: string) => {
  const client = new pg.Client({ connectionString: server.url(database, role, password) });
  client.on("error", () => undefined);
  await client.connect();
  await client.end();
};
const allowsConnections = async (database: string) => (await server.query<{ datallowconn: boolean }>("SELECT datallowconn FROM pg_database WHERE datname = $1", [database])).rows[0]?.datallowconn;
const adminHolds = async (admin: string, role: string) => (await server.query<{ held: boolean }>("SELECT pg_has_role($1, $2, 'MEMBER') AS held", [admin, role])).rows[0]?.held;

describe("opening a tenant's database", () => {
  it("keeps a new database closed to everyone, PUBLIC's CONNECT notwithstanding, and refuses to open it before the REVOKE", async () => {
    await createClosedDatabase({ user: "tenant_admin", password: "admin-pass" }, "acme");
    await expect(connectAs("tenant_other_app", "other-pass", "tenant_acme")).rejects.toThrow(/not currently accepting connections/);
    await expect(openTenantDatabase(adminSettings("tenant_admin", "admin-pass"), "tenant_acme")).rejects.toThrow("database tenant_acme still grants CONNECT to PUBLIC; it stays closed to connections");
    expect(await allowsConnections("tenant_acme")).toBe(false);
  });

  it("opens it after the REVOKE, as an admin that is no superuser, without keeping the tenant's role", async () => {
    await server.query("REVOKE ALL ON DATABASE tenant_acme FROM PUBLIC");
    await openTenantDatabase(adminSettings("tenant_admin", "admin-pass"), "tenant_acme");
    expect(await allowsConnections("tenant_acme")).toBe(true);
    expect(await adminHolds("tenant_admin", "tenant_acme_app")).toBe(false);
    await connectAs("tenant_acme_app", "pw-acme", "tenant_acme");
    await expect(connectAs("tenant_other_app", "other-pass", "tenant_acme")).rejects.toThrow(/permission denied for database "tenant_acme"/);
    // Opening again (an update of the resource) changes nothing.
    await openTenantDatabase(adminSettings("tenant_admin", "admin-pass"), "tenant_acme");
    expect(await allowsConnections("tenant_acme")).toBe(true);
  });

  it("opens it as a superuser, and names a database that is not there", async () => {
    await createClosedDatabase({ user: "postgres", password: "super-pass" }, "globex");
    await server.query("REVOKE ALL ON DATABASE tenant_globex FROM PUBLIC");
    await openTenantDatabase(adminSettings("postgres", "super-pass"), "tenant_globex");
    expect(await allowsConnections("tenant_globex")).toBe(true);
    await expect(openTenantDatabase(adminSettings("tenant_admin", "admin-pass"), "tenant_missing")).rejects.toThrow("database tenant_missing does not exist");
  });

  it("quotes the database name: a name that is SQL opens nothing else", async () => {
    await expect(openTenantDatabase(adminSettings("tenant_admin", "admin-pass"), 'tenant_acme" ALLOW_CONNECTIONS true; --')).rejects.toThrow(/does not exist/);
  });
});
