/**
 * The worker processes of a deployment (migration 013's `workers`): each registers when it starts,
 * beats while it runs and says when it stops. Registration refuses a worker that cannot share the
 * others' stacks: every live worker must use the same state backend, and a file backend serves the
 * workers of one host only.
 */
import type pg from "pg";
import { withTransaction, type Queryable } from "../db";

/** One registered worker. */
export interface WorkerRecord {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly stateBackend: string;
  readonly startedAt: Date;
  readonly heartbeatAt: Date;
  readonly stoppedAt: Date | null;
}

/** A worker may not start next to the live ones (different backend, or a file backend across hosts). */
export class WorkerBackendConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerBackendConflictError";
  }
}

/** A worker is live while its heartbeat is younger than this many heartbeat intervals. */
const LIVE_BEATS = 3;

/**
 * The backend URL without credentials, query or fragment: what the workers table may hold. An S3
 * backend keeps its `endpoint` (a bucket name says nothing about which MinIO or S3 serves it), with
 * any user info stripped from it.
 */
export function stateBackendIdentity(backendUrl: string): string {
  const url = new URL(backendUrl);
  const place = `${url.protocol}//${url.host}${url.pathname}`;
  const endpoint = url.protocol === "s3:" ? url.searchParams.get("endpoint") : null;
  return endpoint ? `${place}?endpoint=${endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, "$1")}` : place;
}

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  state_backend: string;
  started_at: Date;
  heartbeat_at: Date;
  stopped_at: Date | null;
}

const COLUMNS = "worker_id, host, pid, state_backend, started_at, heartbeat_at, stopped_at";

function workerFromRow(row: WorkerRow): WorkerRecord {
  return { workerId: row.worker_id, host: row.host, pid: row.pid, stateBackend: row.state_backend, startedAt: row.started_at, heartbeatAt: row.heartbeat_at, stoppedAt: row.stopped_at };
}

/** Workers that have not stopped and beat within the last LIVE_BEATS heartbeats. */
export async function liveWorkers(db: Queryable, heartbeatSeconds: number): Promise<WorkerRecord[]> {
  const result = await db.query<WorkerRow>(
    `SELECT ${COLUMNS} FROM workers WHERE stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1) ORDER BY started_at`,
    [heartbeatSeconds * LIVE_BEATS],
  );
  return result.rows.map(workerFromRow);
}

/** Every worker ever registered, newest first, at most `limit`. */
export async function listWorkers(db: Queryable, limit = 100): Promise<WorkerRecord[]> {
  const result = await db.query<WorkerRow>(`SELECT ${COLUMNS} FROM workers ORDER BY started_at DESC LIMIT $1`, [limit]);
  return result.rows.map(workerFromRow);
}

/** Why `me` may not run beside `live`, or undefined. */
export function backendConflict(me: { readonly host: string; readonly stateBackend: string }, live: readonly WorkerRecord[]): string | undefined {
  const other = live.find((worker) => worker.stateBackend !== me.stateBackend);
  if (other) {
    return `live worker ${other.workerId} (host ${other.host}) keeps its stacks in ${other.stateBackend}, this one in ${me.stateBackend}: every worker must use the same state backend (PULUMI_BACKEND_URL)`;
  }
  const remote = live.find((worker) => worker.host !== me.host);
  if (me.stateBackend.startsWith("file:") && remote) {
    return `live worker ${remote.workerId} runs on host ${remote.host}, and a file backend (${me.stateBackend}) serves the workers of one host only: set PULUMI_BACKEND_URL on every worker to a shared backend (postgres://… or s3://…)`;
  }
  return undefined;
}

/**
 * Registers the worker, or throws WorkerBackendConflictError; one registration at a time, across
 * every host. `whileRegistering` runs inside that lock, once the backend is known to be allowed:
 * a worker opens its state backend there, so no two workers ever initialise an empty one at once.
 */
export async function registerWorker(
  pool: pg.Pool,
  me: { readonly workerId: string; readonly host: string; readonly pid: number; readonly stateBackend: string },
  heartbeatSeconds: number,
  whileRegistering: () => Promise<void> = async () => undefined,
): Promise<WorkerRecord> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('frostbyte:worker-registration'))");
    const conflict = backendConflict(me, await liveWorkers(client, heartbeatSeconds));
    if (conflict) throw new WorkerBackendConflictError(`this worker may not start: ${conflict}`);
    await whileRegistering();
    const result = await client.query<WorkerRow>(`INSERT INTO workers (worker_id, host, pid, state_backend) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [
      me.workerId,
      me.host,
      me.pid,
      me.stateBackend,
    ]);
    const row = result.rows[0];
    if (!row) throw new Error("INSERT INTO workers returned no row");
    return workerFromRow(row);
  });
}

/** Records that the worker is alive; false when its row says it stopped. */
export async function beat(db: Queryable, workerId: string): Promise<boolean> {
  const result = await db.query("UPDATE workers SET heartbeat_at = now() WHERE worker_id = $1 AND stopped_at IS NULL", [workerId]);
  return result.rowCount === 1;
}

/** Records that the worker stopped. */
export async function markWorkerStopped(db: Queryable, workerId: string): Promise<void> {
  await db.query("UPDATE workers SET stopped_at = now() WHERE worker_id = $1 AND stopped_at IS NULL", [workerId]);
}
