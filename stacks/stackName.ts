/** The name of a tenant's stack: one stack per tenant, `tenant-{id}`. */
import { assertTenantId } from "../domain";

/** Prefix of every tenant stack's name. */
export const TENANT_STACK_PREFIX = "tenant-";

/** `tenant-{id}` for a valid tenant id (DESIGN §1); throws InvalidTenantIdError otherwise. */
export function tenantStackName(tenantId: string): string {
  return `${TENANT_STACK_PREFIX}${assertTenantId(tenantId)}`;
}
