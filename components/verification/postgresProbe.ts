import { refusal, success, type ProbeResult } from "./probeTypes";

export interface PostgresProbeInput {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly ownDatabase: string;
  readonly foreignDatabase: string;
  readonly sslmode: string;
}

/**
 * Connects as the tenant to its own database, lists every other tenant database it could still
 * connect to (there must be none), and tries to connect to the neighbour's database.
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
  const own = await success(async () => {
    const client = await connect(input.ownDatabase);
    try {
      const result = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database
          WHERE datname LIKE 'tenant\\_%' AND datname <> $1 AND has_database_privilege(current_user, datname, 'CONNECT')`,
        [input.ownDatabase],
      );
      reachable = result.rows.map((row) => row.datname);
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
    foreignDenied: refused && reachable.length === 0,
    evidence: reachable.length > 0 ? `can still connect to ${reachable.join(", ")}` : `own: ${own.evidence}; neighbour: ${foreign.evidence}`,
  };
}
