/**
 * What a tenant-database server needs once, before any tenant stack runs against it (issue #11):
 * PostgreSQL grants CONNECT and TEMPORARY on every database to PUBLIC, `postgres` and `template1`
 * included, so every tenant role could connect there, read the catalog and function sources and spend
 * connection slots. Tenant databases close themselves (each tenant's stack revokes PUBLIC on its own
 * database) and the control-plane database closes itself (migration 010); this closes the rest.
 * Done here, once per server and idempotently, rather than in every tenant stack, so stacks never
 * fight over server-wide objects.
 */
import pg from "pg";
import { ADMIN_CALL_TIMEOUT_MS, isPostgresTimeout, postgresClientBounds, withinTimeBound } from "../components/timeBounds";

/** Databases every PostgreSQL server has; `template0` already refuses all connections (datallowconn false). */
export const SERVER_DATABASES = ["postgres", "template1"] as const;

/** What {@link prepareTenantPostgresServer} found and did. */
export interface TenantServerPreparation {
  /** Databases closed to PUBLIC now (empty when already closed). */
  readonly closed: string[];
  /** Roles granted CONNECT on `postgres` and `pg_signal_backend`. */
  readonly adminRoles: string[];
  /** Other databases, neither a tenant's nor the server's own, that PUBLIC may still connect to. */
  readonly stillOpen: string[];
}

/** A role name as PostgreSQL stores it: 1–63 characters, no NUL. */
function assertRoleName(role: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(role)) {
    throw new Error(`admin role ${JSON.stringify(role)}: must be a PostgreSQL role name (1–63 of letters, digits, _ $ -, not starting with a digit)`);
  }
  return role;
}

/**
 * Closes `postgres` and `template1` to PUBLIC, grants the tenant administrators (the role stacks use
 * as `postgresql:username`) CONNECT on `postgres`, where the provider connects, and membership of
 * `pg_signal_backend`, so a suspension or rotation can end a tenant's open sessions without being a
 * superuser. Needs a superuser (or the databases' owner with the admin option on pg_signal_backend).
 * Every wait on the server is bounded by `timeoutMs` (default {@link ADMIN_CALL_TIMEOUT_MS}).
 */
export async function prepareTenantPostgresServer(serverUrl: string, adminRoles: readonly string[], timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<TenantServerPreparation> {
  const roles = adminRoles.map(assertRoleName);
  if (roles.length === 0) throw new Error("name at least one admin role: the role the tenant stacks log in as (postgresql:username)");
  const client = new pg.Client({ connectionString: serverUrl, ...postgresClientBounds(timeoutMs) });
  client.on("error", () => undefined);
  // The whole preparation waits at most timeoutMs for the server, then fails and drops the connection.
  return withinTimeBound({ store: "PostgreSQL", call: "preparing the tenant-database server", ms: timeoutMs }, () => prepare(client, roles), {
    release: () => client.connection.stream.destroy(),
    isClientTimeout: isPostgresTimeout,
  });
}

async function prepare(client: pg.Client, roles: readonly string[]): Promise<TenantServerPreparation> {
  await client.connect();
  try {
    await client.query("BEGIN");
    const open = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = ANY($1) AND has_database_privilege('public', datname, 'CONNECT') ORDER BY datname",
      [[...SERVER_DATABASES]],
    );
    for (const database of SERVER_DATABASES) await client.query(`REVOKE ALL ON DATABASE ${pg.escapeIdentifier(database)} FROM PUBLIC`);
    for (const role of roles) {
      await client.query(`GRANT CONNECT ON DATABASE postgres TO ${pg.escapeIdentifier(role)}`);
      await client.query(`GRANT pg_signal_backend TO ${pg.escapeIdentifier(role)}`);
    }
    const stillOpen = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datallowconn AND datname <> ALL($1) AND datname NOT LIKE 'tenant\\_%'
          AND has_database_privilege('public', datname, 'CONNECT') ORDER BY datname`,
      [[...SERVER_DATABASES]],
    );
    await client.query("COMMIT");
    return { closed: open.rows.map((row) => row.datname), adminRoles: [...roles], stillOpen: stillOpen.rows.map((row) => row.datname) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
