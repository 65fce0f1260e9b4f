/**
 * The stack config of one tenant's stack: the shared base config plus `frostbyte:tenants` holding
 * exactly that tenant (DESIGN §8: "the portal's stack per tenant holds exactly one"). Pure.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { assertTenantId, parseStackConfig, SECRET_CONFIG_KEYS, type TenantConfig } from "../domain";
import { TENANTS_KEY, type BaseConfig } from "./baseConfig";

/** What the tenant's stack should make of it: its config, whether its credentials are disabled, and their rotation. */
export interface TenantDesiredState {
  readonly config: TenantConfig;
  readonly suspended: boolean;
  /**
   * The credential rotation token (`frostbyte:tenants[].rotation`); a new one regenerates every
   * credential. Callers that drive a stack from the registry get it from desiredStateFromRegistry;
   * when absent the entry has none and the program uses `initial`.
   */
  readonly rotation?: string;
}

/**
 * The full config map for `tenant-{id}`, secrets marked as the program expects them
 * (`SECRET_CONFIG_KEYS`). Validated with the program's `parseStackConfig` before it is returned,
 * so a stack never receives a config its program would refuse.
 */
export function tenantStackConfig(base: BaseConfig, tenantId: string, desired: TenantDesiredState): ConfigMap {
  const id = assertTenantId(tenantId);
  const values: Record<string, string> = {
    ...base.values,
    [TENANTS_KEY]: JSON.stringify([
      { id, config: desired.config, suspended: desired.suspended, ...(desired.rotation !== undefined ? { rotation: desired.rotation } : {}) },
    ]),
  };
  parseStackConfig((key) => values[key]);
  const secret = new Set(SECRET_CONFIG_KEYS);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: secret.has(key) }]));
}
