/** How registry rows and operations are shown: timestamps as ISO strings, nothing secret. */
import type { DriftCheck, Operation, Tenant } from "../controlplane";
import type { OperationView } from "./schemas/operations";
import type { DriftView, TenantView } from "./schemas/tenants";

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function tenantView(tenant: Tenant, activeOperationId: string | null, drift: DriftCheck | null): TenantView {
  return {
    tenantId: tenant.tenantId,
    state: tenant.state,
    config: tenant.config,
    configVersion: tenant.configVersion,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
    provisioningStartedAt: iso(tenant.provisioningStartedAt),
    provisionedAt: iso(tenant.provisionedAt),
    agePublicKey: tenant.agePublicKey,
    endpoints: tenant.endpoints,
    activeOperationId,
    drift: drift === null ? null : driftView(drift),
  };
}

/** A tenant's last drift check: its changes only when drifted, its (redacted) error only when failed. */
export function driftView(check: DriftCheck): DriftView {
  return {
    checkedAt: check.checkedAt.toISOString(),
    result: check.result,
    ...(check.changes === null ? {} : { changes: { ...check.changes } }),
    ...(check.error === null ? {} : { error: check.error }),
  };
}

export function operationView(operation: Operation): OperationView {
  return {
    operationId: operation.operationId,
    tenantId: operation.tenantId,
    kind: operation.kind,
    state: operation.state,
    actor: operation.actor,
    createdAt: operation.createdAt.toISOString(),
    startedAt: iso(operation.startedAt),
    finishedAt: iso(operation.finishedAt),
    error: operation.error,
    result: operation.result,
  };
}
