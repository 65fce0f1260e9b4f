import { sslOptionOf } from "../postgres/adminSettings";
import { boundedCalls, isPostgresTimeout, postgresClientBounds, PROBE_CALL_TIMEOUT_MS } from "../timeBounds";
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
  /** How long each connect and query may wait for an answer (default {@link PROBE_CALL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** A query on the probe's connection, bounded and named (`what`) for the error. */
type BoundedQuery = <R extends import("pg").QueryResultRow>(what: string, sql: string, values: unknown[]) => Promise<import("pg").QueryResult<R>>;

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
 * handful of connections whatever the number of tenants. A connect or query that gets no answer
 * within the bound ends the probe with a StoreTimeoutError.
 */
export async function probePostgres(input: PostgresProbeInput): Promise<ProbeResult> {
  const { Client } = require("pg") as typeof import("pg");
  const ssl = sslOptionOf(input.sslmode);
  const ms = input.timeoutMs ?? PROBE_CALL_TIMEOUT_MS;
  /** Opens a connection to `database` as the tenant, runs `work` on it and closes it; every call bounded. */
  const withDatabase = async (database: string, work: (query: BoundedQuery) => Promise<void> = async () => undefined) => {
    const client = new Client({ host: input.host, port: input.port, user: input.user, password: input.password, database, ssl, ...postgresClientBounds(ms) });
    client.on("error", () => undefined);
    const release = () => client.connection.stream.destroy();
    const bounded = boundedCalls("PostgreSQL", ms, { release, isClientTimeout: isPostgresTimeout }, "isolation probe");
    try {
      await bounded(`connect to ${database}`, () => client.connect());
      await work((what, sql, values) => bounded(`${what} on ${database}`, () => client.query(sql, values)));
    } finally {
      // Closing waits for the server's goodbye; one that never comes is not the probe's failure.
      await bounded(`disconnect from ${database}`, () => client.end()).catch(release);
    }
  };
  let reachable: string[] = [];
  let others: string[] = [];
  let ownOpenToPublic = false;
  const own = await success(() =>
    withDatabase(input.ownDatabase, async (query) => {
      const deadline = Date.now() + (input.settleMs ?? CATALOG_SETTLE_MS);
      for (;;) {
        const result = await query<{ datname: string }>("the reachable-databases query", REACHABLE_DATABASES, [input.ownDatabase]);
        reachable = result.rows.map((row) => row.datname);
        if (reachable.length === 0 || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, CATALOG_POLL_MS));
      }
      const open = await query<{ open: boolean }>("the PUBLIC CONNECT query", "SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [input.ownDatabase]);
      ownOpenToPublic = open.rows[0]?.open === true;
      others = (await query<{ datname: string }>("the other-databases query", OTHER_DATABASES, [input.ownDatabase])).rows.map((row) => row.datname);
    }),
  );
  const foreign = await refusal(() => withDatabase(input.foreignDatabase));
  // The neighbour's database may not exist; then the catalog check above is the proof.
  const refused = foreign.denied && /permission denied|does not exist/i.test(foreign.evidence);
  const entered: string[] = [];
  for (const database of others) {
    const attempt = await refusal(() => withDatabase(database));
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
