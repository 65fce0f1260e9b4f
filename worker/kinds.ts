/**
 * What the tenant's stack should hold for a portal operation. Which states allow which operation is
 * decided by domain/stateOperations.ts, before anything is touched.
 */
import type { Tenant } from "../controlplane";
import type { TenantOperationKind } from "../domain";
import { desiredStateFromRegistry, type TenantDesiredState } from "../stacks";

/** What the tenant's stack should hold for the operation: its stored config, suspended as its state says. */
export function desiredState(tenant: Tenant, kind: TenantOperationKind): TenantDesiredState {
  return desiredStateFromRegistry(tenant, kind === "suspend" ? { suspended: true } : kind === "resume" ? { suspended: false } : {});
}
