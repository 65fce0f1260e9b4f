/**
 * What a tenant's stack should hold, read from its registry row: the stored config, suspended
 * exactly when the registry says SUSPENDED, and the stored credential rotation token (so a later
 * operation never regenerates credentials by leaving it out). Every caller that drives a tenant's stack from the
 * registry (portal operations, fleet commands, the `frostbyte tenant` operations) builds it here,
 * so they can never disagree about a tenant.
 */
import { INITIAL_ROTATION } from "../domain";
import type { Tenant } from "../controlplane";
import type { TenantDesiredState } from "./tenantStackConfig";

/** Overrides an operation applies on top of the registry row (suspend/resume flip the flag). */
export interface DesiredStateOverrides {
  readonly suspended?: boolean;
}

export function desiredStateFromRegistry(tenant: Tenant, overrides: DesiredStateOverrides = {}): TenantDesiredState {
  return {
    config: tenant.config,
    suspended: overrides.suspended ?? tenant.state === "SUSPENDED",
    rotation: tenant.credentialRotation ?? INITIAL_ROTATION,
  };
}
