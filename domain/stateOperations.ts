/**
 * What a tenant in each lifecycle state (DESIGN §3) allows: the one table the portal's operations,
 * the `frostbyte tenant` commands and the fleet read before anything is touched. The stack's program
 * moves the tenant through the transitions while it runs; this table only refuses an operation that
 * makes no sense for the state the tenant is in.
 */
import type { TenantState } from "./lifecycle";

/**
 * The operations on one tenant's stack, as the portal, the job queue and the operations table name
 * them. `drift` (preview after a refresh, nothing saved), `up` (to the registry's desired state) and
 * `repair` (the same `up` after a refresh, so changes made by hand are undone too) are the fleet's and
 * the drift schedule's jobs; the portal offers the others.
 */
export const TENANT_OPERATION_KINDS = ["provision", "preview", "update_config", "suspend", "resume", "deprovision", "rotate", "drift", "up", "repair"] as const;
/** What an operation does to the tenant's stack. */
export type TenantOperationKind = (typeof TENANT_OPERATION_KINDS)[number];

/** An operation the table decides: one tenant's, or a fleet run (`frostbyte fleet preview|up|drift`) over its stack. */
export type StateOperation = TenantOperationKind | "fleet";

/**
 * Per state, the operations it allows. `provision` starts only from the PENDING row it creates.
 * The fleet acts on settled, failed and unfinished tenants (PROVISIONING without a portal operation
 * is an `up` that was killed, which the fleet's `up` resumes), never on one being destroyed: an `up`
 * would bring back what a destroy was removing.
 */
export const STATE_ALLOWS: Readonly<Record<TenantState, readonly StateOperation[]>> = {
  PENDING: ["provision", "preview", "update_config", "deprovision"],
  PROVISIONING: ["fleet", "drift", "up", "repair"],
  ACTIVE: ["preview", "update_config", "suspend", "rotate", "deprovision", "fleet", "drift", "up", "repair"],
  SUSPENDED: ["preview", "update_config", "resume", "deprovision", "fleet", "drift", "up", "repair"],
  DEPROVISIONING: [],
  DEPROVISIONED: [],
  FAILED: ["preview", "update_config", "deprovision", "fleet", "drift", "up", "repair"],
};

/** Whether a tenant in `state` allows `operation`. */
export function operationAllowed(state: TenantState, operation: StateOperation): boolean {
  return STATE_ALLOWS[state].includes(operation);
}

/** The states that allow `operation`, in lifecycle order. */
export function statesAllowing(operation: StateOperation): TenantState[] {
  return (Object.keys(STATE_ALLOWS) as TenantState[]).filter((state) => operationAllowed(state, operation));
}

/** The tenant's state does not allow the operation (the portal answers 409). */
export class TenantStateConflictError extends Error {
  /** The HTTP status the portal answers it with (Conflict). */
  readonly statusCode = 409;

  constructor(readonly tenantId: string, readonly state: TenantState, readonly operation: StateOperation) {
    super(`tenant "${tenantId}" is ${state}; ${operation} needs ${statesAllowing(operation).join(" or ")}`);
    this.name = "TenantStateConflictError";
  }
}

/** Throws {@link TenantStateConflictError} unless the tenant's state allows `operation`. */
export function assertOperationAllowed(tenant: { readonly tenantId: string; readonly state: TenantState }, operation: StateOperation): void {
  if (!operationAllowed(tenant.state, operation)) throw new TenantStateConflictError(tenant.tenantId, tenant.state, operation);
}
