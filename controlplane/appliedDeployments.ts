/**
 * What each tenant's stack holds since its last successful `up` (migration 015): the deployment
 * fingerprint a worker records after every successful up-kind operation, read by `frostbyte fleet
 * preview` to skip tenants whose fingerprint has not changed. Only hashes are stored.
 */
import { assertTenantId } from "../domain";
import type { Queryable } from "./db";
import { TenantNotFoundError } from "./errors";
import { OPERATION_KINDS, type OperationKind } from "./operations/store";

/** The kinds that never change a stack: every other kind (including kinds added later) may. */
const READ_ONLY_KINDS: ReadonlySet<OperationKind> = new Set(["preview", "drift"]);

/** The operation kinds that may change a tenant's stack (every `up` and the destroy). */
export const STACK_CHANGING_KINDS: readonly OperationKind[] = OPERATION_KINDS.filter((kind) => !READ_ONLY_KINDS.has(kind));

/** A sha256 in lower-case hex, as migration 015 accepts it. */
const FINGERPRINT = /^[0-9a-f]{64}$/;

/** The last successful `up` of a tenant's stack. */
export interface AppliedDeployment {
  readonly tenantId: string;
  readonly fingerprint: string;
  /** The operation that applied it. */
  readonly operationId: string;
  /** When it was recorded, by the control plane's clock. */
  readonly appliedAt: Date;
  /**
   * A stack-changing operation of the tenant was asked for after that one (it failed, or is queued
   * or running): the stack may no longer hold what the fingerprint says.
   */
  readonly superseded: boolean;
}

interface AppliedRow {
  tenant_id: string;
  fingerprint: string;
  operation_id: string;
  applied_at: Date;
  superseded: boolean;
}

/** Records `fingerprint` as applied to the tenant's stack by `operationId` (replacing the one before). */
export async function recordAppliedDeployment(db: Queryable, input: { tenantId: string; operationId: string; fingerprint: string }): Promise<void> {
  const tenantId = assertTenantId(input.tenantId);
  if (!FINGERPRINT.test(input.fingerprint)) throw new Error(`applied deployment of tenant "${tenantId}": fingerprint must be a sha256 in lower-case hex (64 characters), got ${input.fingerprint.length} characters`);
  try {
    await db.query(
      `INSERT INTO applied_deployments (tenant_id, fingerprint, operation_id) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, operation_id = EXCLUDED.operation_id`,
      [tenantId, input.fingerprint, input.operationId],
    );
  } catch (error) {
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23503" && (error as { constraint?: unknown }).constraint === "applied_deployments_tenant_id_fkey") {
      throw new TenantNotFoundError(tenantId);
    }
    throw error;
  }
}

/** The last applied deployment of every tenant that has one, by tenant id, in one query. */
export async function appliedDeployments(db: Queryable): Promise<Map<string, AppliedDeployment>> {
  const result = await db.query<AppliedRow>(
    `SELECT a.tenant_id, a.fingerprint, a.operation_id, a.applied_at,
            EXISTS (SELECT 1 FROM operations later
                     WHERE later.tenant_id = a.tenant_id AND later.kind = ANY($1::text[])
                       AND later.operation_id <> a.operation_id AND later.created_at >= applied.created_at) AS superseded
       FROM applied_deployments a JOIN operations applied ON applied.operation_id = a.operation_id`,
    [STACK_CHANGING_KINDS],
  );
  return new Map(
    result.rows.map((row) => [row.tenant_id, { tenantId: row.tenant_id, fingerprint: row.fingerprint, operationId: row.operation_id, appliedAt: row.applied_at, superseded: row.superseded }]),
  );
}
