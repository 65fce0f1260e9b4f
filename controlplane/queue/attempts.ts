/**
 * The attempts of an operation (migration 013's `operation_attempts`): each start by a worker, and
 * how it ended. The database keeps at most one attempt per tenant open.
 */
import pg from "pg";
import type { Queryable } from "../db";

export type AttemptOutcome = "succeeded" | "failed" | "lost" | "cancelled";

/** The tenant has an open attempt of another operation or worker: its stack is being run. */
export class TenantAttemptOpenError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" has an attempt open on another worker; its stack is not run twice at once`);
    this.name = "TenantAttemptOpenError";
  }
}

/** One attempt as stored. */
export interface OperationAttempt {
  readonly operationId: string;
  readonly attempt: number;
  readonly tenantId: string;
  readonly workerId: string;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly outcome: AttemptOutcome | null;
}

const UNIQUE_VIOLATION = "23505";
const COLUMNS = "operation_id, attempt, tenant_id, worker_id, started_at, ended_at, outcome";

interface AttemptRow {
  operation_id: string;
  attempt: number;
  tenant_id: string;
  worker_id: string;
  started_at: Date;
  ended_at: Date | null;
  outcome: AttemptOutcome | null;
}

function attemptFromRow(row: AttemptRow): OperationAttempt {
  return { operationId: row.operation_id, attempt: row.attempt, tenantId: row.tenant_id, workerId: row.worker_id, startedAt: row.started_at, endedAt: row.ended_at, outcome: row.outcome };
}

/** Opens attempt `attempt`; TenantAttemptOpenError when the tenant has another one open. */
export async function openAttempt(db: Queryable, input: { operationId: string; attempt: number; tenantId: string; workerId: string }): Promise<void> {
  try {
    await db.query("INSERT INTO operation_attempts (operation_id, attempt, tenant_id, worker_id) VALUES ($1, $2, $3, $4)", [
      input.operationId,
      input.attempt,
      input.tenantId,
      input.workerId,
    ]);
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === "operation_attempts_one_open_per_tenant") throw new TenantAttemptOpenError(input.tenantId);
    throw error;
  }
}

/** Ends the attempt with `outcome`, if it is still open. */
export async function closeAttempt(db: Queryable, operationId: string, attempt: number, outcome: AttemptOutcome): Promise<void> {
  await db.query("UPDATE operation_attempts SET ended_at = clock_timestamp(), outcome = $3 WHERE operation_id = $1 AND attempt = $2 AND ended_at IS NULL", [operationId, attempt, outcome]);
}

/** Ends every open attempt of the operation as `lost`; returns them (their workers stopped answering). */
export async function closeLostAttempts(db: Queryable, operationId: string): Promise<OperationAttempt[]> {
  const result = await db.query<AttemptRow>(
    `UPDATE operation_attempts SET ended_at = clock_timestamp(), outcome = 'lost' WHERE operation_id = $1 AND ended_at IS NULL RETURNING ${COLUMNS}`,
    [operationId],
  );
  return result.rows.map(attemptFromRow);
}

/** Every attempt on the tenant's operations, oldest first. */
export async function attemptsOfTenant(db: Queryable, tenantId: string): Promise<OperationAttempt[]> {
  const result = await db.query<AttemptRow>(`SELECT ${COLUMNS} FROM operation_attempts WHERE tenant_id = $1 ORDER BY started_at`, [tenantId]);
  return result.rows.map(attemptFromRow);
}

/** An open attempt of an operation, and how long its worker has been silent. */
export interface OpenAttempt {
  readonly attempt: number;
  readonly workerId: string;
  /** Milliseconds since the worker's last heartbeat, by the database's clock. */
  readonly silentMs: number;
  readonly workerStopped: boolean;
}

/** The operation's open attempts, with their workers' silence. */
export async function openAttemptsOf(db: Queryable, operationId: string): Promise<OpenAttempt[]> {
  const result = await db.query<{ attempt: number; worker_id: string; silent_ms: number; stopped: boolean }>(
    `SELECT a.attempt, a.worker_id, (extract(epoch FROM now() - w.heartbeat_at) * 1000)::float8 AS silent_ms, w.stopped_at IS NOT NULL AS stopped
     FROM operation_attempts a JOIN workers w USING (worker_id) WHERE a.operation_id = $1 AND a.ended_at IS NULL ORDER BY a.attempt`,
    [operationId],
  );
  return result.rows.map((row) => ({ attempt: row.attempt, workerId: row.worker_id, silentMs: row.silent_ms, workerStopped: row.stopped }));
}

/** Ends the tenant's attempts still open on operations that have ended, with their operation's outcome; returns how many. */
export async function closeFinishedAttempts(db: Queryable, tenantId: string): Promise<number> {
  const result = await db.query(
    `UPDATE operation_attempts a SET ended_at = clock_timestamp(), outcome = o.state
       FROM operations o
      WHERE a.operation_id = o.operation_id AND a.tenant_id = $1 AND a.ended_at IS NULL AND o.state IN ('succeeded', 'failed')`,
    [tenantId],
  );
  return result.rowCount ?? 0;
}
