import { withAdminConnection } from "./adminCall";
import type { PostgresAdminSettings } from "./adminSettings";
import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";

/** Thrown when a database would be opened while PUBLIC may still connect to it. */
export const STILL_OPEN_TO_PUBLIC = "still grants CONNECT to PUBLIC";

interface DatabaseFacts {
  readonly owner: string;
  readonly public_connect: boolean;
  readonly admin_is_superuser: boolean;
  readonly admin_has_owner: boolean;
}

/**
 * Lets connections into a tenant's database, which is created with ALLOW_CONNECTIONS false: PUBLIC
 * holds CONNECT on every new database until its REVOKE, and a database nobody can enter has no such
 * moment for another tenant to slip into (and stay in). Refuses while PUBLIC still holds CONNECT.
 * ALTER DATABASE needs the owner's rights: an admin that is no superuser takes the tenant role for
 * this one transaction (as the postgresql provider does to create the database). The whole call
 * waits at most `timeoutMs` (default {@link ADMIN_CALL_TIMEOUT_MS}), then fails with a StoreTimeoutError.
 */
export async function openTenantDatabase(settings: PostgresAdminSettings, database: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await withAdminConnection(settings, { applicationName: "frostbyte-database-opening", call: `opening database ${database}`, timeoutMs }, (client) => open(client, database));
}

async function open(client: import("pg").Client, database: string): Promise<void> {
  await client.query("BEGIN");
  try {
    const facts = await client.query<DatabaseFacts>(
      `SELECT pg_get_userbyid(d.datdba) AS owner, has_database_privilege('public', d.oid, 'CONNECT') AS public_connect,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS admin_is_superuser,
              pg_has_role(current_user, d.datdba, 'USAGE') AS admin_has_owner
         FROM pg_database d WHERE d.datname = $1`,
      [database],
    );
    const row = facts.rows[0];
    if (!row) throw new Error(`database ${database} does not exist`);
    if (row.public_connect) throw new Error(`database ${database} ${STILL_OPEN_TO_PUBLIC}; it stays closed to connections`);
    const owner = client.escapeIdentifier(row.owner);
    const borrow = !row.admin_is_superuser && !row.admin_has_owner;
    if (borrow) await client.query(`GRANT ${owner} TO CURRENT_USER`);
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(database)} ALLOW_CONNECTIONS true`);
    if (borrow) await client.query(`REVOKE ${owner} FROM CURRENT_USER`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
