/**
 * A tenant's operations history (migration 005's `operations` table), newest first, as the API
 * shows operations. The operations store offers one operation or the active ones; the console's
 * tenant page needs the finished ones too.
 */
import { isJsonObject } from "../../domain";
import type { Queryable } from "../../controlplane";
import type { OperationView } from "../schemas/operations";

/** How many operations the history shows at most. */
export const OPERATIONS_HISTORY_LIMIT = 50;

interface HistoryRow {
  operation_id: string;
  tenant_id: string;
  kind: OperationView["kind"];
  state: OperationView["state"];
  actor: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  result: unknown;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** The tenant's latest operations, newest first (at most {@link OPERATIONS_HISTORY_LIMIT}). */
export async function listOperationsOf(db: Queryable, tenantId: string): Promise<OperationView[]> {
  const { rows } = await db.query<HistoryRow>(
    `SELECT operation_id, tenant_id, kind, state, actor, created_at, started_at, finished_at, error, result
       FROM operations WHERE tenant_id = $1 ORDER BY created_at DESC, operation_id LIMIT $2`,
    [tenantId, OPERATIONS_HISTORY_LIMIT],
  );
  return rows.map((row) => ({
    operationId: row.operation_id,
    tenantId: row.tenant_id,
    kind: row.kind,
    state: row.state,
    actor: row.actor,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    error: row.error,
    result: isJsonObject(row.result) ? row.result : null,
  }));
}
