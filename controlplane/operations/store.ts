/**
 * Operations and their progress in the control plane (migrations 005 and 008): long-running stack
 * operations on a tenant, asked for through the portal. The database keeps the rules: the kinds,
 * the states and their order, one active operation per tenant, finished rows frozen.
 */
import pg from "pg";
import { isJsonObject, TENANT_OPERATION_KINDS, type JsonObject, type TenantOperationKind } from "../../domain";
import type { Queryable } from "../db";
import { OperationInProgressError } from "./errors";

/** The kinds migration 005's CHECK lists: the tenant operations of domain/stateOperations.ts. */
export const OPERATION_KINDS = TENANT_OPERATION_KINDS;
/** What an operation does to the tenant's stack. */
export type OperationKind = TenantOperationKind;

export const OPERATION_STATES = ["queued", "running", "succeeded", "failed"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** One operation, as stored. */
export interface Operation {
  readonly operationId: string;
  readonly tenantId: string;
  readonly kind: OperationKind;
  readonly state: OperationState;
  readonly actor: string;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** Why it failed (redacted); null unless failed. */
  readonly error: string | null;
  /** What it ended with (the engine's summary, the tenant's state); never a secret. */
  readonly result: JsonObject | null;
  /** The worker that runs it (or ran it last); null while queued. */
  readonly workerId: string | null;
  /** How many times a worker started it (1 unless taken over). */
  readonly attempt: number;
}

/** The operation is no longer this worker's: another took it over, or it ended. */
export class OperationClaimLostError extends Error {
  constructor(readonly operationId: string, readonly workerId: string) {
    super(`operation ${operationId} is no longer run by worker ${workerId}`);
    this.name = "OperationClaimLostError";
  }
}

/** What the table holds of one progress event: a JSON object with a `type` (the stacks layer's ProgressEvent). */
export interface OperationEvent {
  readonly type: string;
}

/** One event of an operation's progress, numbered from 1. */
export interface StoredProgress<E extends OperationEvent = OperationEvent> {
  readonly seq: number;
  readonly occurredAt: Date;
  readonly event: E;
}

interface OperationRow {
  operation_id: string;
  tenant_id: string;
  kind: OperationKind;
  state: OperationState;
  actor: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  result: unknown;
  worker_id: string | null;
  attempt: number;
}

const COLUMNS = "operation_id, tenant_id, kind, state, actor, created_at, started_at, finished_at, error, result, worker_id, attempt";
const UNIQUE_VIOLATION = "23505";
const ONE_ACTIVE_INDEX = "operations_one_active_per_tenant";

function operationFromRow(row: OperationRow): Operation {
  return {
    operationId: row.operation_id,
    tenantId: row.tenant_id,
    kind: row.kind,
    state: row.state,
    actor: row.actor,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    result: isJsonObject(row.result) ? row.result : null,
    workerId: row.worker_id,
    attempt: row.attempt,
  };
}

function only(result: pg.QueryResult<OperationRow>, what: string): Operation {
  const row = result.rows[0];
  if (row === undefined) throw new Error(`${what} returned no row`);
  return operationFromRow(row);
}

/** Inserts a queued operation; OperationInProgressError when the tenant already has an active one. */
export async function insertOperation(db: Queryable, input: { tenantId: string; kind: OperationKind; actor: string }): Promise<Operation> {
  try {
    const result = await db.query<OperationRow>(`INSERT INTO operations (tenant_id, kind, actor) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [
      input.tenantId,
      input.kind,
      input.actor,
    ]);
    return only(result, "INSERT INTO operations");
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === ONE_ACTIVE_INDEX) {
      throw new OperationInProgressError(input.tenantId);
    }
    throw error;
  }
}

/**
 * Marks the operation running on `workerId` as its attempt `attempt` (a takeover keeps the first
 * start time); OperationClaimLostError when it has ended meanwhile.
 */
export async function markRunning(db: Queryable, operationId: string, workerId: string, attempt: number): Promise<Operation> {
  const result = await db.query<OperationRow>(
    `UPDATE operations SET state = 'running', started_at = coalesce(started_at, now()), worker_id = $2, attempt = $3
     WHERE operation_id = $1 AND state IN ('queued', 'running') RETURNING ${COLUMNS}`,
    [operationId, workerId, attempt],
  );
  const row = result.rows[0];
  if (row === undefined) throw new OperationClaimLostError(operationId, workerId);
  return operationFromRow(row);
}

/** `WHERE` of a finishing update: the operation, still active, and still run by `workerId` when one is named. */
function finishing(workerId: string | undefined, parameter: number): string {
  return `operation_id = $1 AND state IN ('queued', 'running')${workerId === undefined ? "" : ` AND worker_id = $${parameter}`}`;
}

function finished(result: pg.QueryResult<OperationRow>, operationId: string, workerId: string | undefined, what: string): Operation {
  const row = result.rows[0];
  if (row === undefined) {
    if (workerId !== undefined) throw new OperationClaimLostError(operationId, workerId);
    throw new Error(`${what} returned no row`);
  }
  return operationFromRow(row);
}

/** Marks the operation succeeded; with `workerId`, only while that worker still runs it (OperationClaimLostError otherwise). */
export async function markSucceeded(db: Queryable, operationId: string, result: JsonObject, workerId?: string): Promise<Operation> {
  return finished(
    await db.query<OperationRow>(`UPDATE operations SET state = 'succeeded', finished_at = now(), result = $2::jsonb WHERE ${finishing(workerId, 3)} RETURNING ${COLUMNS}`, [
      operationId,
      JSON.stringify(result),
      ...(workerId === undefined ? [] : [workerId]),
    ]),
    operationId,
    workerId,
    "markSucceeded",
  );
}

/** Marks the operation failed with its (already redacted) error; with `workerId`, only while that worker still runs it. */
export async function markFailed(db: Queryable, operationId: string, error: string, result: JsonObject | null = null, workerId?: string): Promise<Operation> {
  return finished(
    await db.query<OperationRow>(`UPDATE operations SET state = 'failed', finished_at = now(), error = $2, result = $3::jsonb WHERE ${finishing(workerId, 4)} RETURNING ${COLUMNS}`, [
      operationId,
      error === "" ? "unknown error" : error,
      result === null ? null : JSON.stringify(result),
      ...(workerId === undefined ? [] : [workerId]),
    ]),
    operationId,
    workerId,
    "markFailed",
  );
}

/** The operation, or undefined when there is none with that id. */
export async function getOperation(db: Queryable, operationId: string): Promise<Operation | undefined> {
  const result = await db.query<OperationRow>(`SELECT ${COLUMNS} FROM operations WHERE operation_id = $1`, [operationId]);
  const row = result.rows[0];
  return row === undefined ? undefined : operationFromRow(row);
}

/** Every queued or running operation, oldest first. */
export async function activeOperations(db: Queryable): Promise<Operation[]> {
  const result = await db.query<OperationRow>(`SELECT ${COLUMNS} FROM operations WHERE state IN ('queued', 'running') ORDER BY created_at`);
  return result.rows.map(operationFromRow);
}

/** The tenant's latest operations of every state, newest first, at most `limit`. */
export async function recentOperationsOf(db: Queryable, tenantId: string, limit: number): Promise<Operation[]> {
  const result = await db.query<OperationRow>(`SELECT ${COLUMNS} FROM operations WHERE tenant_id = $1 ORDER BY created_at DESC, operation_id LIMIT $2`, [tenantId, limit]);
  return result.rows.map(operationFromRow);
}

/** The tenant's queued or running operation, if any. */
export async function activeOperationOf(db: Queryable, tenantId: string): Promise<Operation | undefined> {
  const result = await db.query<OperationRow>(`SELECT ${COLUMNS} FROM operations WHERE tenant_id = $1 AND state IN ('queued', 'running')`, [tenantId]);
  const row = result.rows[0];
  return row === undefined ? undefined : operationFromRow(row);
}

/** Appends progress events (one INSERT for the batch). */
export async function appendProgress(db: Queryable, operationId: string, events: readonly StoredProgress[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({ seq: e.seq, occurred_at: e.occurredAt.toISOString(), event: e.event }));
  await db.query(
    `INSERT INTO operation_events (operation_id, seq, occurred_at, event)
     SELECT $1, x.seq, x.occurred_at, x.event FROM jsonb_to_recordset($2::jsonb) AS x(seq integer, occurred_at timestamptz, event jsonb)`,
    [operationId, JSON.stringify(rows)],
  );
}

/** The operation's progress after `afterSeq`, in order. */
export async function listProgress(db: Queryable, operationId: string, afterSeq = 0): Promise<StoredProgress[]> {
  const result = await db.query<{ seq: number; occurred_at: Date; event: OperationEvent }>(
    "SELECT seq, occurred_at, event FROM operation_events WHERE operation_id = $1 AND seq > $2 ORDER BY seq",
    [operationId, afterSeq],
  );
  return result.rows.map((row) => ({ seq: row.seq, occurredAt: row.occurred_at, event: row.event }));
}
