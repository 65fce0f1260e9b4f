/**
 * Starting a credential rotation: the tenant's next rotation token is recorded in the registry
 * before the stack runs, so every later operation (portal, fleet, CLI) writes that token and a
 * rotation that fails half-way is finished by the next deployment instead of being undone. The
 * stack's write-back records TENANT_CREDENTIALS_ROTATED once every store holds the new credentials.
 */
import { INITIAL_ROTATION, nextRotationToken } from "../domain";
import type { Tenant, TenantRegistry } from "../controlplane";

export interface PendingRotation {
  /** The tenant with its new token recorded. */
  readonly tenant: Tenant;
  readonly previous: string;
  readonly rotation: string;
}

/**
 * Records the tenant's next token (TENANT_ROTATION_TOKEN_UPDATED by `actor`); refused
 * (CredentialRotationError) if another rotation changed it meanwhile.
 */
export async function beginCredentialRotation(registry: TenantRegistry, tenant: Tenant, actor: string): Promise<PendingRotation> {
  const previous = tenant.credentialRotation ?? INITIAL_ROTATION;
  const rotation = nextRotationToken(previous);
  const pending = await registry.setCredentialRotation(tenant.tenantId, rotation, { actor, expected: previous });
  return { tenant: pending, previous, rotation };
}
