import type pg from "pg";
import { TenantNotFoundError, TenantRegistry, type Tenant } from "../../controlplane";
import { tenantNames, type JsonObject, type TenantConfig, type TenantState } from "../../domain";

/** Who the registry records as making the change when the stack does it. */
export const STACK_ACTOR = "pulumi";

/** What the stack tells the registry when a tenant's deployment begins. */
export interface ProvisioningStart {
  readonly tenantId: string;
  readonly config: TenantConfig;
}

/** What the stack tells the registry once every store of the tenant exists. */
export interface ProvisioningResult {
  readonly tenantId: string;
  readonly endpoints: JsonObject;
  /** Ids of the resources that were provisioned, for the audit event. */
  readonly resources: JsonObject;
  readonly suspended: boolean;
  /** The credential rotation token the stores hold now. */
  readonly rotation?: string;
  /** The token they held before this run (absent on a first provisioning). */
  readonly previousRotation?: string;
}

async function find(registry: TenantRegistry, tenantId: string): Promise<Tenant | undefined> {
  try {
    return await registry.getTenant(tenantId);
  } catch (error) {
    if (error instanceof TenantNotFoundError) return undefined;
    throw error;
  }
}

/** The key of TENANT_PROVISION_STARTED's details that names the write-back request which moved the tenant. */
export const WRITE_BACK_REQUEST_KEY = "write_back_request";

/** Whether the tenant's newest event was written by the write-back request `requestId`. */
async function newestEventIsFrom(registry: TenantRegistry, tenantId: string, requestId: string): Promise<boolean> {
  return (await registry.listEvents(tenantId)).at(-1)?.details[WRITE_BACK_REQUEST_KEY] === requestId;
}

/**
 * Registers the tenant if new, records a changed config, and moves it into PROVISIONING before any
 * store is touched. A tenant left in PROVISIONING by an interrupted run is first marked FAILED, so
 * the history says what happened. Returns the state the tenant ends in.
 *
 * `requestId` names this request in TENANT_PROVISION_STARTED: a retry of the same request (its
 * COMMIT may have gone through while its answer was lost) finds its own start and does not mistake
 * it for an interrupted run.
 */
export async function beginProvisioning(pool: pg.Pool, start: ProvisioningStart, requestId?: string): Promise<TenantState> {
  const registry = new TenantRegistry(pool);
  const actor = STACK_ACTOR;
  const started = { actor, ...(requestId === undefined ? {} : { details: { [WRITE_BACK_REQUEST_KEY]: requestId } }) };
  let tenant = await find(registry, start.tenantId);
  if (!tenant) tenant = await registry.createTenant(start.tenantId, { actor, config: start.config });
  else tenant = await registry.updateConfig(start.tenantId, start.config, { actor });

  switch (tenant.state) {
    case "PENDING":
    case "FAILED":
    case "ACTIVE":
      return (await registry.transition(start.tenantId, "PROVISIONING", started)).tenant.state;
    case "PROVISIONING": {
      if (requestId !== undefined && (await newestEventIsFrom(registry, start.tenantId, requestId))) return tenant.state;
      const details = { error: "an earlier deployment ended before it finished provisioning" };
      await registry.transition(start.tenantId, "FAILED", { actor, details });
      return (await registry.transition(start.tenantId, "PROVISIONING", started)).tenant.state;
    }
    case "SUSPENDED":
      // Suspended tenants keep their state; the config change was recorded above.
      return tenant.state;
    case "DEPROVISIONING":
    case "DEPROVISIONED":
      throw new Error(`tenant "${start.tenantId}" is ${tenant.state}; a deprovisioned tenant id is never provisioned again`);
  }
}

/**
 * Moves the tenant to ACTIVE with its endpoints (TENANT_PROVISIONED names them, DESIGN §7), or
 * records changed endpoints of a tenant that is not provisioning (TENANT_ENDPOINTS_UPDATED), then
 * moves it into or out of SUSPENDED as the stack asks. Called only after every store resource exists.
 */
export async function completeProvisioning(pool: pg.Pool, result: ProvisioningResult): Promise<TenantState> {
  const registry = new TenantRegistry(pool);
  const actor = STACK_ACTOR;
  let tenant = await registry.getTenant(result.tenantId);
  if (tenant.state === "PROVISIONING") {
    tenant = (await registry.transition(result.tenantId, "ACTIVE", { actor, endpoints: result.endpoints, details: { resources: result.resources } })).tenant;
  } else {
    tenant = await registry.recordEndpoints(result.tenantId, result.endpoints, { actor });
  }
  if (result.suspended && tenant.state === "ACTIVE") {
    tenant = (await registry.transition(result.tenantId, "SUSPENDED", { actor })).tenant;
  } else if (!result.suspended && tenant.state === "SUSPENDED") {
    tenant = (await registry.transition(result.tenantId, "ACTIVE", { actor })).tenant;
  }
  const wanted: TenantState = result.suspended ? "SUSPENDED" : "ACTIVE";
  if (tenant.state !== wanted) {
    throw new Error(`tenant "${result.tenantId}" is ${tenant.state} after provisioning; expected ${wanted}`);
  }
  if (result.rotation !== undefined) await recordRotation(registry, tenant, result.rotation, result.previousRotation);
  return tenant.state;
}

/**
 * Keeps `credential_rotation` equal to the token the stores hold. A token that changed since the
 * last run is a rotation the stores have taken (this runs after every store and the isolation check
 * with the new credentials): TENANT_CREDENTIALS_ROTATED says which credentials, never their values.
 */
async function recordRotation(registry: TenantRegistry, tenant: Tenant, rotation: string, previousRotation: string | undefined): Promise<void> {
  if (previousRotation !== undefined && previousRotation !== rotation) {
    // A retry whose earlier attempt committed (its answer lost) finds the rotation recorded already.
    if (await rotationRecorded(registry, tenant.tenantId, previousRotation, rotation)) return;
    const names = tenantNames(tenant.tenantId);
    const details: JsonObject = {
      rotated: [
        `MinIO secret key of user ${names.minio.user}`,
        `PostgreSQL password of role ${names.postgres.role}`,
        `Redis password of ACL user ${names.redis.user}`,
        `Qdrant token of collection ${names.qdrant.collection} (the old one is refused: its grant names the old rotation)`,
        "age key pair of the tenant (the old identity leaves the stack's state)",
      ],
      age_recipient: tenant.agePublicKey,
      sops_file: `${names.secretsFile} re-encrypted to the new age recipient and the operators' recipients`,
    };
    await registry.recordCredentialRotation(tenant.tenantId, { actor: STACK_ACTOR, previousRotation, rotation, details });
  } else if (tenant.credentialRotation !== rotation) {
    await registry.setCredentialRotation(tenant.tenantId, rotation, { actor: STACK_ACTOR, details: { note: "the token the stores hold" } });
  }
}

/** Whether TENANT_CREDENTIALS_ROTATED from `previous` to `rotation` is among the tenant's events (tokens are never reused). */
async function rotationRecorded(registry: TenantRegistry, tenantId: string, previous: string, rotation: string): Promise<boolean> {
  return (await registry.listEvents(tenantId)).some(
    (event) => event.eventType === "TENANT_CREDENTIALS_ROTATED" && event.details["rotation"] === rotation && event.details["previous_rotation"] === previous,
  );
}

/** Moves the tenant into DEPROVISIONING before its stores are destroyed. */
export async function beginDeprovisioning(pool: pg.Pool, tenantId: string): Promise<TenantState> {
  const registry = new TenantRegistry(pool);
  const tenant = await find(registry, tenantId);
  if (!tenant || tenant.state === "DEPROVISIONING" || tenant.state === "DEPROVISIONED") return tenant?.state ?? "DEPROVISIONED";
  // Nothing was created yet: the request is simply cancelled (DESIGN §3 #2).
  if (tenant.state === "PENDING") return (await registry.transition(tenantId, "DEPROVISIONED", { actor: STACK_ACTOR })).tenant.state;
  if (tenant.state === "PROVISIONING") {
    const details = { error: "destroy started while the tenant was still provisioning" };
    await registry.transition(tenantId, "FAILED", { actor: STACK_ACTOR, details });
  }
  return (await registry.transition(tenantId, "DEPROVISIONING", { actor: STACK_ACTOR })).tenant.state;
}

/**
 * Records that every resource of the tenant is destroyed. Reached last in a destroy; when the
 * tenant never got as far as the resource that opens deprovisioning (it failed while provisioning),
 * the deprovisioning is opened here, and the event says the stores were already gone.
 */
export async function completeDeprovisioning(pool: pg.Pool, tenantId: string, details: JsonObject = {}): Promise<TenantState> {
  const registry = new TenantRegistry(pool);
  const tenant = await find(registry, tenantId);
  if (!tenant || tenant.state === "DEPROVISIONED") return "DEPROVISIONED";
  if (tenant.state !== "DEPROVISIONING") {
    await beginDeprovisioning(pool, tenantId);
    if ((await registry.getTenant(tenantId)).state === "DEPROVISIONED") return "DEPROVISIONED";
    details = { ...details, note: "deprovisioning was opened after the stores were destroyed" };
  }
  return (await registry.transition(tenantId, "DEPROVISIONED", { actor: STACK_ACTOR, details })).tenant.state;
}

/**
 * Records a failed step: PROVISIONING → FAILED, or DEPROVISIONING → FAILED, with
 * TENANT_PROVISION_FAILED naming the resource and the (already redacted) error. A tenant in any
 * other state is left alone: the failure happened outside a provisioning run.
 */
export async function recordFailure(
  pool: pg.Pool,
  failure: { tenantId: string; operation: string; resourceType: string; resourceName: string; error: string },
): Promise<TenantState | undefined> {
  const registry = new TenantRegistry(pool);
  const tenant = await find(registry, failure.tenantId);
  if (!tenant || (tenant.state !== "PROVISIONING" && tenant.state !== "DEPROVISIONING")) return tenant?.state;
  const details = { operation: failure.operation, resource_type: failure.resourceType, resource_name: failure.resourceName, error: failure.error };
  return (await registry.transition(failure.tenantId, "FAILED", { actor: STACK_ACTOR, details })).tenant.state;
}
