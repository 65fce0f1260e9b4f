/** The pooled connection to the control-plane database, and the one way to run a transaction on it. */
import pg from "pg";
import { connectTimeoutMillis, connectTimeoutProblem } from "../domain";
import { ControlPlaneTimeoutError, ControlPlaneUrlError } from "./errors";

/** Options of {@link createControlPlanePool}. */
export interface ControlPlanePoolOptions {
  /** Most connections the pool opens (default 10). */
  readonly max?: number;
  /** Shown in pg_stat_activity (default `frostbyte`). */
  readonly applicationName?: string;
}

/** Checks that a URL is a postgres:// or postgresql:// URL; the error never quotes the URL. */
export function assertControlPlaneUrl(url: string): string {
  parseControlPlaneUrl(url);
  return url;
}

/**
 * node-postgres settings for the control-plane URL, with a connect timeout: without one, a host
 * that accepts the TCP connection and never answers would hang every command (see connectTimeout.ts).
 */
export function controlPlaneClientConfig(url: string): { connectionString: string; connectionTimeoutMillis: number } {
  return { connectionString: url, connectionTimeoutMillis: connectTimeoutMillis(parseControlPlaneUrl(url)) };
}

function parseControlPlaneUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ControlPlaneUrlError("is not a URL (expected postgresql://user@host:5432/database)");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ControlPlaneUrlError(`has scheme ${JSON.stringify(parsed.protocol.replace(/:$/, ""))}; expected postgres or postgresql`);
  }
  const timeoutProblem = connectTimeoutProblem(parsed);
  if (timeoutProblem !== undefined) throw new ControlPlaneUrlError(timeoutProblem);
  return parsed;
}

/**
 * Opens a pool on the control-plane database. The server's DateStyle must be ISO (PostgreSQL's
 * default, which node-postgres relies on too): the audit code reads `occurred_at` as ISO text to
 * keep its microseconds, and says so clearly when it is not.
 */
export function createControlPlanePool(url: string, options: ControlPlanePoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    ...controlPlaneClientConfig(url),
    max: options.max ?? 10,
    application_name: options.applicationName ?? "frostbyte",
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/** Whether node-postgres gave up opening a connection after the connect timeout (pool or client). */
export function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && /^(timeout exceeded when trying to connect|timeout expired|Connection terminated due to connection timeout)$/.test(error.message);
}

/** `error` itself, or a {@link ControlPlaneTimeoutError} naming `setting` when it is a connect timeout on `url`. */
export function explainConnectTimeout(error: unknown, url: string, setting?: string): unknown {
  if (!isConnectTimeout(error)) return error;
  return new ControlPlaneTimeoutError(controlPlaneClientConfig(url).connectionTimeoutMillis / 1000, setting, { cause: error });
}

/** Something that runs SQL: a pool or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, "query">;

/** Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
