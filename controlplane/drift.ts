/**
 * The last drift check of each tenant (migration 014): written once by every `drift` job when it
 * ends, read by the portal's API, `frostbyte tenant show`, the console and /metrics. A check writes
 * no audit event: it changes nothing of the tenant (see the migration).
 */
import { assertTenantId, changesOnly, isJsonObject } from "../domain";
import type { Queryable } from "./db";
import { TenantNotFoundError } from "./errors";

/** What a check found: the stores match the desired state, differ from it, or could not be read. */
export const DRIFT_RESULTS = ["in_sync", "drifted", "failed"] as const;
export type DriftResult = (typeof DRIFT_RESULTS)[number];

/** Changing engine steps by op (`{"update": 1, "create": 2}`); only positive counts. */
export type DriftChanges = Readonly<Record<string, number>>;

/** A tenant's last drift check. */
export interface DriftCheck {
  readonly tenantId: string;
  /** When it was recorded, by the control plane's clock. */
  readonly checkedAt: Date;
  readonly result: DriftResult;
  /** The changing steps a drifted tenant's refresh-preview found; null unless drifted. */
  readonly changes: DriftChanges | null;
  /** Why the check failed (redacted by the writer, at most {@link DRIFT_ERROR_MAX_LENGTH} characters); null unless failed. */
  readonly error: string | null;
  /** The drift operation that checked it, if it ran as one. */
  readonly operationId: string | null;
}

/** What a drift job records when it ends. */
export interface DriftCheckInput {
  readonly tenantId: string;
  readonly result: DriftResult;
  /**
   * The engine's change counts by op, as the preview's summary gives them (`resourceChanges`):
   * steps that change nothing (same, read, refresh) and zero counts are dropped. Required when
   * drifted (at least one changing step); a check that is in sync may pass the summary's counts too
   * (then none may be a changing step); none when failed.
   */
  readonly changes?: Readonly<Record<string, number>>;
  /** Why it failed: required when failed, refused otherwise. The caller redacts it first. */
  readonly error?: string;
  readonly operationId?: string;
}

/** The check's input does not describe one result (a bug of the caller, not of the tenant). */
export class InvalidDriftCheckError extends Error {
  constructor(tenantId: string, problem: string) {
    super(`drift check of tenant "${tenantId}": ${problem}`);
    this.name = "InvalidDriftCheckError";
  }
}

/** An engine error can run to pages; every tenant list carries the check, so it is cut here. */
export const DRIFT_ERROR_MAX_LENGTH = 1000;

/** The changing steps of `counts` (domain/resourceChanges.ts decides which change something). */
function changingSteps(tenantId: string, counts: Readonly<Record<string, number>>): Record<string, number> {
  for (const [op, count] of Object.entries(counts)) {
    if (!Number.isInteger(count) || count < 0) throw new InvalidDriftCheckError(tenantId, `changes.${op}: must be a count (an integer ≥ 0), got ${JSON.stringify(count)}`);
    if (!/^[a-z][a-z-]*$/.test(op)) throw new InvalidDriftCheckError(tenantId, `changes: ${JSON.stringify(op)} is not an engine step kind (lower case letters and dashes)`);
  }
  return changesOnly(counts);
}

function shortError(error: string): string {
  const trimmed = error.trim();
  return trimmed.length <= DRIFT_ERROR_MAX_LENGTH ? trimmed : `${trimmed.slice(0, DRIFT_ERROR_MAX_LENGTH - 1)}…`;
}

/** The columns of one check as stored: changes exactly when drifted, an error exactly when failed. */
function storedColumns(input: DriftCheckInput): { changes: Record<string, number> | null; error: string | null } {
  const { tenantId, result } = input;
  if (!(DRIFT_RESULTS as readonly string[]).includes(result)) throw new InvalidDriftCheckError(tenantId, `result ${JSON.stringify(result)}: must be one of ${DRIFT_RESULTS.join(", ")}`);
  if (result !== "failed" && input.error !== undefined) throw new InvalidDriftCheckError(tenantId, `an error is recorded only when the result is failed, not ${result}`);
  const changes = input.changes === undefined ? {} : changingSteps(tenantId, input.changes);
  const changed = Object.keys(changes).length > 0;
  switch (result) {
    case "in_sync":
      if (changed) throw new InvalidDriftCheckError(tenantId, `in_sync, yet changes name changing steps ${JSON.stringify(changes)}: that is drifted`);
      return { changes: null, error: null };
    case "drifted":
      if (!changed) throw new InvalidDriftCheckError(tenantId, "drifted needs changes with at least one changing step (e.g. {\"update\": 1})");
      return { changes, error: null };
    case "failed":
      if (input.changes !== undefined) throw new InvalidDriftCheckError(tenantId, "a failed check has no changes");
      if (input.error === undefined || input.error.trim() === "") throw new InvalidDriftCheckError(tenantId, "failed needs the (redacted) error that says why");
      return { changes: null, error: shortError(input.error) };
  }
}

/** A tenant_drift row as node-postgres returns it. */
interface DriftRow {
  tenant_id: string;
  checked_at: Date;
  result: string;
  changes: unknown;
  error: string | null;
  operation_id: string | null;
}

const DRIFT_COLUMNS = "tenant_id, checked_at, result, changes, error, operation_id";

function isDriftResult(value: string): value is DriftResult {
  return (DRIFT_RESULTS as readonly string[]).includes(value);
}

function driftFromRow(row: DriftRow): DriftCheck {
  if (!isDriftResult(row.result)) throw new Error(`tenant "${row.tenant_id}" has an unknown drift result ${JSON.stringify(row.result)}`);
  return {
    tenantId: row.tenant_id,
    checkedAt: row.checked_at,
    result: row.result,
    changes: isJsonObject(row.changes) ? (row.changes as DriftChanges) : null,
    error: row.error,
    operationId: row.operation_id,
  };
}

/**
 * Records `input` as the tenant's last drift check (replacing the one before) and returns it as
 * stored. Throws {@link InvalidDriftCheckError} before any SQL when the input is not one result,
 * and {@link TenantNotFoundError} when the tenant is not in the registry.
 */
export async function recordDriftCheck(db: Queryable, input: DriftCheckInput): Promise<DriftCheck> {
  const tenantId = assertTenantId(input.tenantId);
  const { changes, error } = storedColumns(input);
  try {
    const stored = await db.query<DriftRow>(
      `INSERT INTO tenant_drift (tenant_id, result, changes, error, operation_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id) DO UPDATE SET result = EXCLUDED.result, changes = EXCLUDED.changes, error = EXCLUDED.error, operation_id = EXCLUDED.operation_id
       RETURNING ${DRIFT_COLUMNS}`,
      [tenantId, input.result, changes === null ? null : JSON.stringify(changes), error, input.operationId ?? null],
    );
    const row = stored.rows[0];
    if (row === undefined) throw new Error(`drift check of tenant "${tenantId}": the database returned no row`);
    return driftFromRow(row);
  } catch (failure) {
    if (isForeignKeyViolation(failure, "tenant_drift_tenant_id_fkey")) throw new TenantNotFoundError(tenantId);
    throw failure;
  }
}

function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23503" && (error as { constraint?: unknown }).constraint === constraint;
}

/** The tenant's last drift check, or null when it was never checked. */
export async function driftOf(db: Queryable, tenantId: string): Promise<DriftCheck | null> {
  const result = await db.query<DriftRow>(`SELECT ${DRIFT_COLUMNS} FROM tenant_drift WHERE tenant_id = $1`, [assertTenantId(tenantId)]);
  const row = result.rows[0];
  return row === undefined ? null : driftFromRow(row);
}

/**
 * The last check of every tenant that is not DEPROVISIONED (a tenant gone has no drift worth a
 * metric), by tenant id. Tenants never checked are not listed.
 */
export async function driftOfAll(db: Queryable): Promise<DriftCheck[]> {
  const result = await db.query<DriftRow>(
    `SELECT ${DRIFT_COLUMNS.split(", ").map((column) => `d.${column}`).join(", ")}
       FROM tenant_drift d JOIN tenants t USING (tenant_id)
      WHERE t.state <> 'DEPROVISIONED'
      ORDER BY d.tenant_id`,
  );
  return result.rows.map(driftFromRow);
}

/**
 * The check's columns, as `drift_*`, for a tenant query that does `LEFT JOIN tenant_drift d USING
 * (tenant_id)`: the tenant list reads every tenant with its check in one statement.
 */
export const DRIFT_JOINED_COLUMNS = "d.checked_at AS drift_checked_at, d.result AS drift_result, d.changes AS drift_changes, d.error AS drift_error, d.operation_id AS drift_operation_id";

/** The columns {@link DRIFT_JOINED_COLUMNS} selects; all null when the tenant was never checked. */
export interface DriftJoinedRow {
  tenant_id: string;
  drift_checked_at: Date | null;
  drift_result: string | null;
  drift_changes: unknown;
  drift_error: string | null;
  drift_operation_id: string | null;
}

/** The check of a joined row, or null when the tenant was never checked. */
export function driftFromJoinedRow(row: DriftJoinedRow): DriftCheck | null {
  if (row.drift_result === null || row.drift_checked_at === null) return null;
  return driftFromRow({
    tenant_id: row.tenant_id,
    checked_at: row.drift_checked_at,
    result: row.drift_result,
    changes: row.drift_changes,
    error: row.drift_error,
    operation_id: row.drift_operation_id,
  });
}
