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
  /** How long each connect and query may wait for an answer (default {@link PROBE_CALL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** A query on the probe's connection, bounded and named (`what`) for the error. */
type BoundedQuery = <R extends import("pg").QueryResultRow>(what: string, sql: string, values: unknown[]) => Promise<import("pg").QueryResult<R>>;

/**
 * Every database other than the tenant's own that the tenant's role holds CONNECT on and could enter
 * now. A neighbour being created holds PUBLIC's CONNECT until its REVOKE, but with connections not
 * yet allowed (postgres/databaseOpening.ts), so it is not counted; neither is template0.
 */
const REACHABLE_DATABASES = `SELECT datname FROM pg_database
  WHERE datallowconn AND datname <> $1 AND has_database_privilege(current_user, datname, 'CONNECT')`;

/** The databases that are no tenant's (the server's own, a control plane, anything else), each tried for real. */
const OTHER_DATABASES = `SELECT datname FROM pg_database
  WHERE datallowconn AND datname <> $1 AND datname NOT LIKE 'tenant\\_%' ORDER BY datname`;

/**
 * Other tenants' roles with a session in the tenant's own database. A REVOKE ends no session, so one
 * opened while the database was still open would outlive it; every database is created closed, and
 * this is the proof. (Any role sees who is connected where in pg_stat_activity.)
 */
const OTHER_TENANT_SESSIONS = `SELECT DISTINCT usename FROM pg_stat_activity
  WHERE datname = $1 AND usename <> current_user AND usename LIKE 'tenant\\_%' ORDER BY usename`;

/** How PostgreSQL refuses a connection the tenant may not open (or to a database that is not there). */
const REFUSED = /permission denied|no pg_hba.conf entry|does not exist|is not currently accepting connections/i;

/**
 * Connects as the tenant to its own database, lists every other database it could connect to (there
 * must be none: every tenant database is created closed and opened only after its REVOKE), checks that its own
 * database is closed to PUBLIC and holds no session of another tenant's role, then tries to connect to the neighbour's database and to every
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
  let intruders: string[] = [];
  const own = await success(() =>
    withDatabase(input.ownDatabase, async (query) => {
      reachable = (await query<{ datname: string }>("the reachable-databases query", REACHABLE_DATABASES, [input.ownDatabase])).rows.map((row) => row.datname);
      const open = await query<{ open: boolean }>("the PUBLIC CONNECT query", "SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [input.ownDatabase]);
      ownOpenToPublic = open.rows[0]?.open === true;
      intruders = (await query<{ usename: string }>("the other-tenant-sessions query", OTHER_TENANT_SESSIONS, [input.ownDatabase])).rows.map((row) => row.usename);
      others = (await query<{ datname: string }>("the other-databases query", OTHER_DATABASES, [input.ownDatabase])).rows.map((row) => row.datname);
    }),
  );
  const foreign = await refusal(() => withDatabase(input.foreignDatabase));
  // The neighbour's database may not exist; then the catalog check above is the proof.
  const refused = foreign.denied && REFUSED.test(foreign.evidence);
  const entered: string[] = [];
  for (const database of others) {
    const attempt = await refusal(() => withDatabase(database));
    if (!attempt.denied || !REFUSED.test(attempt.evidence)) entered.push(`${database} (${attempt.evidence})`);
  }
  return {
    store: "postgres",
    ownAllowed: own.allowed,
    foreignDenied: refused && reachable.length === 0 && entered.length === 0 && !ownOpenToPublic && intruders.length === 0,
    evidence:
      reachable.length > 0
        ? `can still connect to ${reachable.join(", ")}`
        : entered.length > 0
          ? `connected to ${entered.join(", ")}`
          : ownOpenToPublic
            ? `its own database ${input.ownDatabase} still grants CONNECT to PUBLIC`
            : intruders.length > 0
              ? `its own database ${input.ownDatabase} has sessions of other tenants' roles: ${intruders.join(", ")}`
              : `own: ${own.evidence}; neighbour: ${foreign.evidence}; refused on ${others.length} other database(s): ${others.join(", ")}`,
  };
}
