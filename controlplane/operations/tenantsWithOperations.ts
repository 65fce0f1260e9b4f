/** The tenant list with each tenant's active operation, in one query (the portal's `GET /tenants`). */
import type { TenantState } from "../../domain";
import type { Queryable } from "../db";
import { TENANT_COLUMNS, tenantFromRow, type Tenant, type TenantRow } from "../tenantRecord";

/** A tenant and the id of its queued or running operation, if any. */
export interface TenantWithOperation {
  readonly tenant: Tenant;
  readonly activeOperationId: string | null;
}

/** Which tenants to list: all, those in one state, one tenant (a tenant token's own), or both filters. */
export interface TenantListFilter {
  readonly state?: TenantState;
  readonly tenantId?: string;
}

/**
 * The tenants, oldest first, each with its active operation. One statement: the active operation is
 * a lookup in the partial unique index `operations_one_active_per_tenant`.
 */
export async function listTenantsWithActiveOperation(db: Queryable, filter: TenantListFilter = {}): Promise<TenantWithOperation[]> {
  const result = await db.query<TenantRow & { active_operation_id: string | null }>(
    `SELECT ${TENANT_COLUMNS},
            (SELECT o.operation_id FROM operations o WHERE o.tenant_id = tenants.tenant_id AND o.state IN ('queued', 'running')) AS active_operation_id
       FROM tenants
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR tenant_id = $2)
      ORDER BY created_at, tenant_id`,
    [filter.state ?? null, filter.tenantId ?? null],
  );
  return result.rows.map((row) => ({ tenant: tenantFromRow(row), activeOperationId: row.active_operation_id }));
}
