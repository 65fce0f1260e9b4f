/** The pooled connection to the control-plane database, and the one way to run a transaction on it. */
import pg from "pg";
import { controlPlaneTimeoutProblem, controlPlaneTimeouts } from "../domain";
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

/** node-postgres settings of every control-plane connection. */
export interface ControlPlaneClientConfig {
  readonly connectionString: string;
  readonly connectionTimeoutMillis: number;
  readonly statement_timeout: number;
  readonly lock_timeout: number;
  readonly idle_in_transaction_session_timeout: number;
  readonly query_timeout: number;
  readonly keepAlive: true;
}

/**
 * node-postgres settings for the control-plane URL, with every time bound of
 * domain/config/controlPlaneTimeouts.ts: without them, a host that accepts the TCP connection and
 * never answers, a statement waiting on a lock, or a stopped server would hang a command, a portal
 * operation or the stack's write-back without limit.
 */
export function controlPlaneClientConfig(url: string): ControlPlaneClientConfig {
  const bounds = controlPlaneTimeouts(parseControlPlaneUrl(url));
  return {
    connectionString: url,
    connectionTimeoutMillis: bounds.connect_timeout * 1000,
    statement_timeout: bounds.statement_timeout,
    lock_timeout: bounds.lock_timeout,
    idle_in_transaction_session_timeout: bounds.idle_in_transaction_session_timeout,
    query_timeout: bounds.query_timeout,
    keepAlive: true,
  };
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
  const timeoutProblem = controlPlaneTimeoutProblem(parsed);
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

/**
 * Runs `work` on a short-lived pool that is always closed afterwards. A connect timeout becomes a
 * ControlPlaneTimeoutError naming `setting` (where the URL came from) and the seconds waited, so the
 * error says what to check; the URL itself, which holds a password, is never quoted.
 */
export async function withControlPlanePool<T>(url: string, options: ControlPlanePoolOptions & { readonly setting?: string }, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = createControlPlanePool(url, options);
  try {
    return await work(pool);
  } catch (error) {
    throw explainConnectTimeout(error, url, options.setting);
  } finally {
    await pool.end();
  }
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
