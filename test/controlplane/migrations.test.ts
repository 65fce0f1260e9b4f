import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateControlPlane, MIGRATIONS_TABLE, QUEUE_SCHEMA } from "../../controlplane";
import { createControlPlaneDatabase, MIGRATION_ROLE, RUNTIME_ROLE, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

const run = promisify(execFile);

let server: PostgresServer;
let db: ControlPlaneDatabase;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server, { migrate: false });
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

async function schemaDump(): Promise<string> {
  const { stdout } = await run(`${server.binDir}/pg_dump`, ["--schema-only", "--no-comments", db.superuserUrl]);
  // Newer pg_dump wraps the dump in \restrict <random key> lines; they differ on every run.
  return stdout.replace(/^\\(un)?restrict .*$/gm, "");
}

async function recordedMigrations(): Promise<{ name: string; run_on: Date }[]> {
  const result = await server.query<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${MIGRATIONS_TABLE} ORDER BY id`, [], db.name);
  return result.rows;
}

describe("migrations (DESIGN §4)", () => {
  it("applies 001…015 in order as the migration role and records them", async () => {
    expect(await migrateControlPlane(db.migratorUrl)).toEqual(["001_tenant_registry", "002_audit_events", "003_runtime_role", "004_tenant_secrets_files", "005_operations", "006_api_tokens", "007_credential_rotation", "008_rotate_operations", "009_registry_guards", "010_close_control_plane_database", "011_audit_every_tenant_change", "012_api_token_roles_and_expiry", "013_operations_as_jobs", "014_tenant_drift", "015_applied_deployments"]);
    expect((await recordedMigrations()).map((m) => m.name)).toEqual(["001_tenant_registry", "002_audit_events", "003_runtime_role", "004_tenant_secrets_files", "005_operations", "006_api_tokens", "007_credential_rotation", "008_rotate_operations", "009_registry_guards", "010_close_control_plane_database", "011_audit_every_tenant_change", "012_api_token_roles_and_expiry", "013_operations_as_jobs", "014_tenant_drift", "015_applied_deployments"]);
    const owners = await server.query<{ tablename: string; tableowner: string }>(
      "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      [],
      db.name,
    );
    expect(owners.rows).toEqual([
      { tablename: "api_tokens", tableowner: MIGRATION_ROLE },
      { tablename: "applied_deployments", tableowner: MIGRATION_ROLE },
      { tablename: "audit_events", tableowner: MIGRATION_ROLE },
      { tablename: "operation_attempts", tableowner: MIGRATION_ROLE },
      { tablename: "operation_events", tableowner: MIGRATION_ROLE },
      { tablename: "operations", tableowner: MIGRATION_ROLE },
      { tablename: "pgmigrations", tableowner: MIGRATION_ROLE },
      { tablename: "tenant_drift", tableowner: MIGRATION_ROLE },
      { tablename: "tenant_secrets_files", tableowner: MIGRATION_ROLE },
      { tablename: "tenants", tableowner: MIGRATION_ROLE },
      { tablename: "workers", tableowner: MIGRATION_ROLE },
    ]);
  });

  it("a second run applies nothing and changes nothing", async () => {
    const dumpBefore = await schemaDump();
    const recordedBefore = await recordedMigrations();
    expect(await migrateControlPlane(db.migratorUrl)).toEqual([]);
    expect(await recordedMigrations()).toEqual(recordedBefore);
    expect(await schemaDump()).toEqual(dumpBefore);
  });

  it("grants the runtime role DML only: no DELETE on tenants, operations or tokens, only INSERT and SELECT on audit_events and progress, full DML on the secrets files", async () => {
    const result = await server.query<{ table_name: string; privilege_type: string }>(
      `SELECT table_name, privilege_type FROM information_schema.role_table_grants
        WHERE grantee = $1 AND table_schema = 'public' ORDER BY table_name, privilege_type`,
      [RUNTIME_ROLE],
      db.name,
    );
    expect(result.rows).toEqual([
      { table_name: "api_tokens", privilege_type: "INSERT" },
      { table_name: "api_tokens", privilege_type: "SELECT" },
      { table_name: "applied_deployments", privilege_type: "INSERT" },
      { table_name: "applied_deployments", privilege_type: "SELECT" },
      { table_name: "applied_deployments", privilege_type: "UPDATE" },
      { table_name: "audit_events", privilege_type: "INSERT" },
      { table_name: "audit_events", privilege_type: "SELECT" },
      { table_name: "operation_attempts", privilege_type: "INSERT" },
      { table_name: "operation_attempts", privilege_type: "SELECT" },
      { table_name: "operation_attempts", privilege_type: "UPDATE" },
      { table_name: "operation_events", privilege_type: "INSERT" },
      { table_name: "operation_events", privilege_type: "SELECT" },
      { table_name: "operations", privilege_type: "INSERT" },
      { table_name: "operations", privilege_type: "SELECT" },
      { table_name: "operations", privilege_type: "UPDATE" },
      { table_name: "tenant_drift", privilege_type: "INSERT" },
      { table_name: "tenant_drift", privilege_type: "SELECT" },
      { table_name: "tenant_drift", privilege_type: "UPDATE" },
      { table_name: "tenant_secrets_files", privilege_type: "DELETE" },
      { table_name: "tenant_secrets_files", privilege_type: "INSERT" },
      { table_name: "tenant_secrets_files", privilege_type: "SELECT" },
      { table_name: "tenant_secrets_files", privilege_type: "UPDATE" },
      { table_name: "tenants", privilege_type: "INSERT" },
      { table_name: "tenants", privilege_type: "SELECT" },
      { table_name: "tenants", privilege_type: "UPDATE" },
      { table_name: "workers", privilege_type: "INSERT" },
      { table_name: "workers", privilege_type: "SELECT" },
      { table_name: "workers", privilege_type: "UPDATE" },
    ]);
    // The job queue's schema (pg-boss's own, installed as the migration role): DML on its tables, no DDL.
    const queue = await server.query<{ usage: boolean; create: boolean; tables: number; dml: number }>(
      `SELECT has_schema_privilege($1, $2, 'USAGE') AS usage, has_schema_privilege($1, $2, 'CREATE') AS create,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = $2) AS tables,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = $2
                 AND has_table_privilege($1, format('%I.%I', schemaname, tablename), 'SELECT, INSERT, UPDATE, DELETE')) AS dml`,
      [RUNTIME_ROLE, QUEUE_SCHEMA],
      db.name,
    );
    expect(queue.rows[0]).toMatchObject({ usage: true, create: false });
    expect(queue.rows[0]?.tables).toBeGreaterThan(0);
    expect(queue.rows[0]?.dml).toBe(queue.rows[0]?.tables);
    // Of a token, only its revocation time may change.
    const columns = await server.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.column_privileges
        WHERE grantee = $1 AND privilege_type = 'UPDATE' AND table_name = 'api_tokens' ORDER BY column_name`,
      [RUNTIME_ROLE],
      db.name,
    );
    expect(columns.rows).toEqual([{ table_name: "api_tokens", column_name: "revoked_at" }]);
    const role = await server.query<{ rolcanlogin: boolean }>("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [RUNTIME_ROLE]);
    expect(role.rows).toEqual([{ rolcanlogin: false }]);
  });

  it("closes the control-plane database to PUBLIC: only the project's roles connect, a stranger's login role is refused", async () => {
    const open = await server.query<{ public_connect: boolean; runtime_connect: boolean }>(
      "SELECT has_database_privilege('public', $1, 'CONNECT') AS public_connect, has_database_privilege($2, $1, 'CONNECT') AS runtime_connect",
      [db.name, RUNTIME_ROLE],
    );
    expect(open.rows).toEqual([{ public_connect: false, runtime_connect: true }]);
    await server.query("CREATE ROLE tenant_stranger_app LOGIN NOSUPERUSER");
    const stranger = new pg.Client({ connectionString: server.url(db.name, "tenant_stranger_app") });
    await expect(stranger.connect()).rejects.toThrow(/permission denied for database/);
  });

  it("a failing run is reported as a MigrationError naming the database's reason", async () => {
    await expect(migrateControlPlane(server.url(db.name, "nobody"))).rejects.toThrow(/migration failed.*role "nobody" does not exist/);
  });
});
