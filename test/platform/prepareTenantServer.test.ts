/**
 * `frostbyte db prepare-tenant-server`: what a tenant-database server needs once (issue #11), run
 * in-process against a real PostgreSQL as its superuser, twice (idempotent), with its errors.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ trustedUsers: [] });
  await server.query("CREATE ROLE tenant_admin LOGIN CREATEROLE CREATEDB PASSWORD 'admin-pass'");
  await server.query("CREATE ROLE tenant_acme_app LOGIN PASSWORD 'acme-pass'");
  await server.createDatabase("other_app");
});
afterAll(async () => server?.stop());

async function frostbyte(args: string[], env: Record<string, string | undefined>) {
  const io = memoryIo(env);
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

async function connectAs(user: string, password: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url(database, user, password) });
  await client.connect();
  await client.end();
}

describe("frostbyte db prepare-tenant-server", () => {
  it("before: a tenant role connects to postgres and template1", async () => {
    await connectAs("tenant_acme_app", "acme-pass", "postgres");
    await connectAs("tenant_acme_app", "acme-pass", "template1");
  });

  it("closes postgres and template1 to PUBLIC, keeps the admin role's way in, and warns about other open databases", async () => {
    const run = await frostbyte(["db", "prepare-tenant-server", "--admin-role", "tenant_admin"], { FROSTBYTE_TENANT_DB_URL: server.superuserUrl });
    expect(run).toEqual({
      code: 0,
      stdout: "closed to PUBLIC: postgres, template1; CONNECT on postgres and pg_signal_backend granted to tenant_admin\n",
      stderr: expect.stringContaining("warning: PUBLIC may still connect to other_app"),
    });
    for (const database of ["postgres", "template1"]) {
      await expect(connectAs("tenant_acme_app", "acme-pass", database), database).rejects.toThrow(/permission denied for database/);
    }
    await connectAs("tenant_admin", "admin-pass", "postgres");
    const member = await server.query<{ member: boolean }>("SELECT pg_has_role('tenant_admin', 'pg_signal_backend', 'MEMBER') AS member");
    expect(member.rows).toEqual([{ member: true }]);
  });

  it("a second run changes nothing and says so", async () => {
    const run = await frostbyte(["db", "prepare-tenant-server", "--admin-role", "tenant_admin"], { FROSTBYTE_TENANT_DB_URL: server.superuserUrl });
    expect(run.stdout).toBe("closed to PUBLIC: nothing (already closed); CONNECT on postgres and pg_signal_backend granted to tenant_admin\n");
  });

  it("refuses without the URL, with a bad role name, and never prints the URL's password", async () => {
    expect(await frostbyte(["db", "prepare-tenant-server", "--admin-role", "tenant_admin"], {})).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("FROSTBYTE_TENANT_DB_URL is not set"),
    });
    expect(await frostbyte(["db", "prepare-tenant-server", "--admin-role", "x; DROP"], { FROSTBYTE_TENANT_DB_URL: server.superuserUrl })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('admin role "x; DROP": must be a PostgreSQL role name'),
    });
    const secretUrl = server.url("postgres", "nobody", "s3cret-Pa55");
    const run = await frostbyte(["db", "prepare-tenant-server", "--admin-role", "tenant_admin"], { FROSTBYTE_TENANT_DB_URL: secretUrl });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("s3cret-Pa55");
  });
});
