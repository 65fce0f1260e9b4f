/**
 * A migrated control-plane database on a test server, set up the way an operator would:
 * the migration role owns the database and runs the migrations; services log in as a member of
 * frostbyte_runtime. Each call makes a new database; roles are shared by the whole server.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createControlPlanePool, migrateControlPlane, TenantRegistry } from "../../controlplane";
import type { PostgresServer } from "./postgresServer";

/** The migration role (owns the schema, may create frostbyte_runtime). */
export const MIGRATION_ROLE = "frostbyte_migrator";
/** The role the migrations create; NOLOGIN, DML only. */
export const RUNTIME_ROLE = "frostbyte_runtime";
/** A login role of a service, member of {@link RUNTIME_ROLE}. */
export const RUNTIME_LOGIN = "frostbyte_app";

/** One migrated control-plane database and a registry on it as the runtime login. */
export interface ControlPlaneDatabase {
  readonly name: string;
  /** As the migration role. */
  readonly migratorUrl: string;
  /** As the runtime login. */
  readonly runtimeUrl: string;
  /** As the superuser. */
  readonly superuserUrl: string;
  /** Runs `work` on its own client connected as the superuser (a psql session by hand), ended afterwards. */
  asSuperuser<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  /** Pool as the runtime login; closed by close(). */
  readonly pool: pg.Pool;
  readonly registry: TenantRegistry;
  close(): Promise<void>;
}

async function ensureRole(server: PostgresServer, role: string, attributes: string): Promise<void> {
  await server.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} ${attributes}; END IF;
  END $$`);
}

/** Creates the roles (once per server), a new database owned by the migration role, and migrates it. */
export async function createControlPlaneDatabase(
  server: PostgresServer,
  options: { readonly migrate?: boolean; readonly poolSize?: number } = {},
): Promise<ControlPlaneDatabase> {
  const name = `control_${randomBytes(4).toString("hex")}`;
  await ensureRole(server, MIGRATION_ROLE, "LOGIN CREATEROLE");
  await server.createDatabase(name, MIGRATION_ROLE);
  const migratorUrl = server.url(name, MIGRATION_ROLE);
  if (options.migrate ?? true) {
    await migrateControlPlane(migratorUrl);
    await ensureRole(server, RUNTIME_LOGIN, "LOGIN");
    await server.query(`GRANT ${RUNTIME_ROLE} TO ${RUNTIME_LOGIN}`);
  }
  const runtimeUrl = server.url(name, RUNTIME_LOGIN);
  const pool = createControlPlanePool(runtimeUrl, { max: options.poolSize ?? 25 });
  return {
    name,
    migratorUrl,
    runtimeUrl,
    superuserUrl: server.url(name),
    async asSuperuser(work) {
      const client = new pg.Client({ connectionString: server.url(name) });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    },
    pool,
    registry: new TenantRegistry(pool),
    close: () => pool.end(),
  };
}
