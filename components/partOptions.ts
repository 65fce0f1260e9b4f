import type * as pulumi from "@pulumi/pulumi";
import type { TenantNames } from "../domain";

/** The options the Tenant hands each of its parts: itself as parent, the store's provider, ordering and hooks. */
export interface PartOptions<P extends pulumi.ProviderResource> {
  readonly parent: pulumi.Resource;
  readonly provider: P;
  /** The write-back start marker: no store is touched before the tenant is PROVISIONING. */
  readonly dependsOn?: pulumi.Resource[];
  /** Records a failed step in the registry. */
  readonly hooks?: pulumi.ResourceHookBinding;
}

/** Every child resource of a Tenant, by its role; each role names exactly one resource. */
export const TENANT_PART_ROLES = [
  "provisioning-start",
  "age-key",
  "minio-secret-key",
  "postgres-password",
  "redis-password",
  "secrets-file",
  "hetzner-network",
  "hetzner-subnet",
  "hetzner-firewall",
  "hetzner-server",
  "minio-bucket",
  "minio-bucket-versioning",
  "minio-bucket-objects",
  "minio-policy",
  "minio-user",
  "minio-policy-attachment",
  "postgres-role",
  "postgres-database",
  "postgres-public-revoke",
  "postgres-database-opening",
  "postgres-session-cutoff",
  "qdrant-collection",
  "qdrant-token-grant",
  "redis-keys",
  "redis-acl-user",
  "isolation-verification",
  "provisioning-complete",
] as const;

export type TenantPartRole = (typeof TENANT_PART_ROLES)[number];

/**
 * The one rule for a Tenant's child resources: the Pulumi name is `{tenantId}-{role}`. The Tenant
 * itself is named by its id, so every URN of a tenant carries its id once, as the parent's name and
 * at the start of each child's. (What a store calls a resource is §1's business: `tenantNames`.)
 */
export function partName(tenantId: string, role: TenantPartRole): string {
  return `${tenantId}-${role}`;
}

/**
 * The Pulumi names store parts had before the one rule, derived from their store names. Stacks made
 * then hold their resources under these; an alias per part lets the engine find them, so a stack
 * keeps every resource (test/e2e/tenantIdentity.test.ts). Parts not listed already had their name.
 */
const NAMES_BEFORE_ONE_RULE: Readonly<Partial<Record<TenantPartRole, (names: TenantNames) => string>>> = {
  "hetzner-network": (names) => names.hetzner.network,
  "hetzner-subnet": (names) => `${names.hetzner.network}-subnet`,
  "hetzner-firewall": (names) => names.hetzner.firewall,
  "hetzner-server": (names) => names.hetzner.server,
  "minio-bucket": (names) => names.minio.bucket,
  "minio-bucket-versioning": (names) => `${names.minio.bucket}-versioning`,
  "minio-bucket-objects": (names) => `${names.minio.bucket}-objects`,
  "minio-policy": (names) => names.minio.policy,
  "minio-user": (names) => names.minio.user,
  "minio-policy-attachment": (names) => `${names.minio.user}-policy`,
  "postgres-role": (names) => names.postgres.role,
  "postgres-database": (names) => names.postgres.database,
  "postgres-public-revoke": (names) => `${names.postgres.database}-revoke-public`,
  "postgres-session-cutoff": (names) => `${names.postgres.role}-session-cutoff`,
};

/** The earlier Pulumi names of a part, for its `aliases` (same parent, same type). */
export function earlierPartNames(names: TenantNames, role: TenantPartRole): string[] {
  const earlier = NAMES_BEFORE_ONE_RULE[role]?.(names);
  return earlier === undefined ? [] : [earlier];
}

/**
 * A part's Pulumi name by the one rule, and `opts` with aliases to its earlier names:
 * `const [name, options] = tenantPart(names, "minio-bucket", opts)`.
 */
export function tenantPart<O extends pulumi.CustomResourceOptions>(names: TenantNames, role: TenantPartRole, opts: O): [string, O] {
  const aliases = earlierPartNames(names, role).map((name): pulumi.Alias => ({ name }));
  return [partName(names.tenantId, role), aliases.length === 0 ? opts : { ...opts, aliases: [...(opts.aliases ?? []), ...aliases] }];
}
