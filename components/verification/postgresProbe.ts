import { refusal, success, type ProbeResult } from "./probeTypes";

export interface PostgresProbeInput {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly ownDatabase: string;
  readonly foreignDatabase: string;
  readonly sslmode: string;
  /** How long another tenant's database may stay reachable before it counts (default {@link CATALOG_SETTLE_MS}). */
  readonly settleMs?: number;
}

/**
 * A neighbour being created right now has its database open to PUBLIC for the moment between its
 * CREATE DATABASE and its REVOKE (they cannot share a transaction). Such a database is new and empty;
 * one still reachable after this long is a real opening.
 */
export const CATALOG_SETTLE_MS = 15_000;
const CATALOG_POLL_MS = 250;

const REACHABLE_TENANT_DATABASES = `SELECT datname FROM pg_database
  WHERE datname LIKE 'tenant\\_%' AND datname <> $1 AND has_database_privilege(current_user, datname, 'CONNECT')`;

/**
 * Connects as the tenant to its own database, lists every other tenant database it could still
 * connect to (there must be none, once a neighbour being created has had time to revoke), checks
 * that its own database is closed to PUBLIC, and tries to connect to the neighbour's database.
 */
export async function probePostgres(input: PostgresProbeInput): Promise<ProbeResult> {
  const { Client } = require("pg") as typeof import("pg");
  const ssl = input.sslmode === "disable" ? false : { rejectUnauthorized: input.sslmode === "verify-full" || input.sslmode === "verify-ca" };
  const connect = async (database: string) => {
    const client = new Client({ host: input.host, port: input.port, user: input.user, password: input.password, database, ssl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    return client;
  };
  let reachable: string[] = [];
  let ownOpenToPublic = false;
  const own = await success(async () => {
    const client = await connect(input.ownDatabase);
    try {
      const deadline = Date.now() + (input.settleMs ?? CATALOG_SETTLE_MS);
      for (;;) {
        const result = await client.query<{ datname: string }>(REACHABLE_TENANT_DATABASES, [input.ownDatabase]);
        reachable = result.rows.map((row) => row.datname);
        if (reachable.length === 0 || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, CATALOG_POLL_MS));
      }
      const open = await client.query<{ open: boolean }>("SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [input.ownDatabase]);
      ownOpenToPublic = open.rows[0]?.open === true;
    } finally {
      await client.end();
    }
  });
  const foreign = await refusal(async () => (await connect(input.foreignDatabase)).end());
  // The neighbour's database may not exist; then the catalog check above is the proof.
  const refused = foreign.denied && /permission denied|does not exist/i.test(foreign.evidence);
  return {
    store: "postgres",
    ownAllowed: own.allowed,
    foreignDenied: refused && reachable.length === 0 && !ownOpenToPublic,
    evidence:
      reachable.length > 0
        ? `can still connect to ${reachable.join(", ")}`
        : ownOpenToPublic
          ? `its own database ${input.ownDatabase} still grants CONNECT to PUBLIC`
          : `own: ${own.evidence}; neighbour: ${foreign.evidence}`,
  };
}
