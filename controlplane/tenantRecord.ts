/** The registry row of a tenant as the program sees it, and how a database row becomes one. */
import { isJsonObject, isTenantState, type JsonObject, parseTenantConfig, type TenantConfig, type TenantState } from "../domain";

/**
 * Where a tenant's services answer (API URL, health URL, store endpoints, server IPs). Never a
 * secret: keys named like one and URLs with a user name or password are refused.
 */
export type TenantEndpoints = JsonObject;

/** One tenant of the registry (DESIGN §4 `tenants`). */
export interface Tenant {
  readonly tenantId: string;
  readonly state: TenantState;
  /** The validated config (DESIGN §6); its `config_version` equals {@link Tenant.configVersion}. */
  readonly config: TenantConfig;
  readonly configVersion: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When provisioning last started (transitions into PROVISIONING). */
  readonly provisioningStartedAt: Date | null;
  /** When provisioning last finished (PROVISIONING -> ACTIVE). */
  readonly provisionedAt: Date | null;
  readonly agePublicKey: string | null;
  readonly endpoints: TenantEndpoints;
  /**
   * The credential rotation token its stack holds (`initial` until the first rotation; migration
   * 007). Every row read from the database has it; optional only so that hand-built records (test
   * fixtures) need not name it, and absent means `initial`.
   */
  readonly credentialRotation?: string;
}

/** The columns every tenant query selects, in the shape {@link tenantFromRow} reads. */
export const TENANT_COLUMNS =
  "tenant_id, state, config, config_version, created_at, updated_at, provisioning_started_at, provisioned_at, age_public_key, endpoints, credential_rotation";

/** A `tenants` row as node-postgres returns it. */
export interface TenantRow {
  tenant_id: string;
  state: string;
  config: unknown;
  config_version: number;
  created_at: Date;
  updated_at: Date;
  provisioning_started_at: Date | null;
  provisioned_at: Date | null;
  age_public_key: string | null;
  endpoints: unknown;
  credential_rotation: string;
}

/** Maps a row to a {@link Tenant}, validating its config with the one §6 validator. */
export function tenantFromRow(row: TenantRow): Tenant {
  if (!isTenantState(row.state)) throw new Error(`tenant "${row.tenant_id}" has unknown state ${JSON.stringify(row.state)}`);
  return {
    tenantId: row.tenant_id,
    state: row.state,
    config: parseTenantConfig(row.config, `tenant "${row.tenant_id}" config`),
    configVersion: row.config_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    provisioningStartedAt: row.provisioning_started_at,
    provisionedAt: row.provisioned_at,
    agePublicKey: row.age_public_key,
    endpoints: isJsonObject(row.endpoints) ? row.endpoints : {},
    credentialRotation: row.credential_rotation,
  };
}
