import { sslOptionOf } from "../postgres/adminSettings";
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

/** Every database other than the tenant's own that the tenant's role holds CONNECT on (template0 refuses everyone). */
const REACHABLE_DATABASES = `SELECT datname FROM pg_database
  WHERE datallowconn AND datname <> $1 AND has_database_privilege(current_user, datname, 'CONNECT')`;

/** The databases that are no tenant's (the server's own, a control plane, anything else), each tried for real. */
const OTHER_DATABASES = `SELECT datname FROM pg_database
  WHERE datallowconn AND datname <> $1 AND datname NOT LIKE 'tenant\\_%' ORDER BY datname`;

/**
 * Connects as the tenant to its own database, lists every other database it could still connect to
 * (there must be none, once a neighbour being created has had time to revoke), checks that its own
 * database is closed to PUBLIC, then tries to connect to the neighbour's database and to every
 * database that is no tenant's (`postgres`, `template1`, a control plane on the same server): each
 * must refuse it. Other tenants' databases are judged by the catalog alone, so the probe opens a
 * handful of connections whatever the number of tenants.
 */
export async function probePostgres(input: PostgresProbeInput): Promise<ProbeResult> {
  const { Client } = require("pg") as typeof import("pg");
  const ssl = sslOptionOf(input.sslmode);
  const connect = async (database: string) => {
    const client = new Client({ host: input.host, port: input.port, user: input.user, password: input.password, database, ssl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    return client;
  };
  let reachable: string[] = [];
  let others: string[] = [];
  let ownOpenToPublic = false;
  const own = await success(async () => {
    const client = await connect(input.ownDatabase);
    try {
      const deadline = Date.now() + (input.settleMs ?? CATALOG_SETTLE_MS);
      for (;;) {
        const result = await client.query<{ datname: string }>(REACHABLE_DATABASES, [input.ownDatabase]);
        reachable = result.rows.map((row) => row.datname);
        if (reachable.length === 0 || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, CATALOG_POLL_MS));
      }
      const open = await client.query<{ open: boolean }>("SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [input.ownDatabase]);
      ownOpenToPublic = open.rows[0]?.open === true;
      others = (await client.query<{ datname: string }>(OTHER_DATABASES, [input.ownDatabase])).rows.map((row) => row.datname);
    } finally {
      await client.end();
    }
  });
  const foreign = await refusal(async () => (await connect(input.foreignDatabase)).end());
  // The neighbour's database may not exist; then the catalog check above is the proof.
  const refused = foreign.denied && /permission denied|does not exist/i.test(foreign.evidence);
  const entered: string[] = [];
  for (const database of others) {
    const attempt = await refusal(async () => (await connect(database)).end());
    if (!attempt.denied || !/permission denied|no pg_hba.conf entry|does not exist/i.test(attempt.evidence)) entered.push(`${database} (${attempt.evidence})`);
  }
  return {
    store: "postgres",
    ownAllowed: own.allowed,
    foreignDenied: refused && reachable.length === 0 && entered.length === 0 && !ownOpenToPublic,
    evidence:
      reachable.length > 0
        ? `can still connect to ${reachable.join(", ")}`
        : entered.length > 0
          ? `connected to ${entered.join(", ")}`
          : ownOpenToPublic
            ? `its own database ${input.ownDatabase} still grants CONNECT to PUBLIC`
            : `own: ${own.evidence}; neighbour: ${foreign.evidence}; refused on ${others.length} other database(s): ${others.join(", ")}`,
  };
}
