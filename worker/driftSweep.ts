/**
 * The drift schedule's job: one `drift` operation per ACTIVE tenant, enqueued like any other. A
 * tenant busy with another operation is left for the next run (its operation reads the stores anyway).
 */
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { enqueueOperation, OperationInProgressError, TenantRegistry } from "../controlplane";

/** Who the registry and the operations table record for the scheduled checks. */
export const DRIFT_SCHEDULE_ACTOR = "drift-schedule";

/** Enqueues the checks; returns the ids of the tenants it enqueued one for. */
export async function sweepDrift(pool: pg.Pool, boss: PgBoss): Promise<string[]> {
  const tenants = await new TenantRegistry(pool).listTenants({ state: "ACTIVE" });
  const enqueued: string[] = [];
  for (const tenant of tenants) {
    try {
      await enqueueOperation(pool, boss, { tenantId: tenant.tenantId, kind: "drift", actor: DRIFT_SCHEDULE_ACTOR });
      enqueued.push(tenant.tenantId);
    } catch (error) {
      if (!(error instanceof OperationInProgressError)) throw error;
    }
  }
  return enqueued;
}
