/** Registry rows for fleet tests, built with the real config validator. */
import { parseTenantConfig, type TenantState } from "../../domain";
import type { Tenant } from "../../controlplane";

export function tenant(tenantId: string, state: TenantState = "ACTIVE"): Tenant {
  const at = new Date("2025-01-01T00:00:00Z");
  return {
    tenantId,
    state,
    config: parseTenantConfig({}),
    configVersion: 1,
    createdAt: at,
    updatedAt: at,
    provisioningStartedAt: null,
    provisionedAt: null,
    agePublicKey: null,
    endpoints: {},
  };
}
