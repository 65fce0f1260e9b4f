/** The tenant list with each tenant's active operation and last drift check, in one query (the portal's `GET /tenants`). */
import type { TenantState } from "../../domain";
import type { Queryable } from "../db";
import { DRIFT_JOINED_COLUMNS, driftFromJoinedRow, type DriftCheck, type DriftJoinedRow } from "../drift";
import { TENANT_COLUMNS, tenantFromRow, type Tenant, type TenantRow } from "../tenantRecord";

/** A tenant, the id of its queued or running operation, if any, and its last drift check, if any. */
export interface TenantWithOperation {
  readonly tenant: Tenant;
  readonly activeOperationId: string | null;
  readonly drift: DriftCheck | null;
}

/** Which tenants to list: all, those in one state, one tenant (a tenant token's own), or both filters. */
export interface TenantListFilter {
  readonly state?: TenantState;
  readonly tenantId?: string;
}

/**
 * The tenants, oldest first, each with its active operation and drift check. One statement: the
 * active operation is a lookup in the partial unique index `operations_one_active_per_tenant`, the
 * drift check a join on tenant_drift's primary key.
 */
export async function listTenantsWithActiveOperation(db: Queryable, filter: TenantListFilter = {}): Promise<TenantWithOperation[]> {
  const result = await db.query<TenantRow & DriftJoinedRow & { active_operation_id: string | null }>(
    `SELECT ${TENANT_COLUMNS},
            (SELECT o.operation_id FROM operations o WHERE o.tenant_id = tenants.tenant_id AND o.state IN ('queued', 'running')) AS active_operation_id,
            ${DRIFT_JOINED_COLUMNS}
       FROM tenants LEFT JOIN tenant_drift d USING (tenant_id)
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR tenant_id = $2)
      ORDER BY created_at, tenant_id`,
    [filter.state ?? null, filter.tenantId ?? null],
  );
  return result.rows.map((row) => ({ tenant: tenantFromRow(row), activeOperationId: row.active_operation_id, drift: driftFromJoinedRow(row) }));
}
