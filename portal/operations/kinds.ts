/**
 * Which tenant states each operation may start from (DESIGN §3). The stack's program moves the
 * tenant through its lifecycle while it runs; the portal only refuses an operation that makes no
 * sense for the tenant's state, before anything is touched.
 */
import type { Tenant, TenantState } from "../../controlplane";
import { desiredStateFromRegistry, type TenantDesiredState } from "../../stacks";
import type { OperationKind } from "./store";

/** The states an operation may start from; `provision` starts from a tenant it creates. */
export const ALLOWED_STATES: Readonly<Record<OperationKind, readonly TenantState[]>> = {
  provision: ["PENDING"],
  preview: ["PENDING", "ACTIVE", "SUSPENDED", "FAILED"],
  update_config: ["PENDING", "ACTIVE", "SUSPENDED", "FAILED"],
  suspend: ["ACTIVE"],
  resume: ["SUSPENDED"],
  deprovision: ["PENDING", "ACTIVE", "SUSPENDED", "FAILED"],
  rotate: ["ACTIVE"],
};

/** The tenant's state does not allow the operation (HTTP 409). */
export class TenantStateConflictError extends Error {
  constructor(readonly tenantId: string, readonly state: TenantState, readonly kind: OperationKind) {
    super(`tenant "${tenantId}" is ${state}; ${kind} needs ${ALLOWED_STATES[kind].join(" or ")}`);
    this.name = "TenantStateConflictError";
  }
}

/** Throws {@link TenantStateConflictError} unless `kind` may start from the tenant's state. */
export function assertOperationAllowed(tenant: Tenant, kind: OperationKind): void {
  if (!ALLOWED_STATES[kind].includes(tenant.state)) throw new TenantStateConflictError(tenant.tenantId, tenant.state, kind);
}

/** What the tenant's stack should hold for the operation: its stored config, suspended as its state says. */
export function desiredState(tenant: Tenant, kind: OperationKind): TenantDesiredState {
  return desiredStateFromRegistry(tenant, kind === "suspend" ? { suspended: true } : kind === "resume" ? { suspended: false } : {});
}
