/**
 * Who may do what through the portal (issue #13): the one role × action table. The portal's access
 * hook reads it for every request (which roles may call a route, and whether a tenant token is held
 * to its own tenant), and the config-patch route reads {@link mayChangeConfigKeys} for the keys a
 * patch touches. Nothing else decides authority.
 *
 * - `admin`: the operator. Everything, on every tenant.
 * - `auditor`: reads every tenant, its audit log and its operations; changes nothing.
 * - `tenant`: reads its own tenant (its audit log and operations too), changes its own data policy
 *   (the §6 keys of {@link CONFIG_KEY_OWNERS} marked `data-policy`) and rotates its own credentials.
 *   Cost, reach and capacity (server, network, quotas, embedding), suspend, resume, deprovision,
 *   preview and creating tenants belong to operators; a suspension is lifted only by an operator.
 */
import type { TenantConfig } from "./config";

/** The roles a portal token has: its kind (the `api_tokens.kind` CHECK of migration 012). */
export const ROLES = ["admin", "auditor", "tenant"] as const;
export type Role = (typeof ROLES)[number];

/** How far a role's permission for an action reaches. */
export type Reach =
  /** on every tenant (or, for an action on no tenant, simply allowed) */
  | "every"
  /** only on the token's own tenant */
  | "own"
  /** not at all */
  | "none";

/** What a route does, as the table names it; each route declares one (portal/access.ts). */
export const PORTAL_ACTIONS = {
  "caller.read": "who the caller is (GET /me)",
  "tenants.list": "list tenants (a tenant token: its own)",
  "tenants.create": "register a tenant and provision it",
  "tenant.read": "read a tenant",
  "tenant.audit": "read a tenant's audit log",
  "tenant.operations": "read a tenant's operations and follow their progress",
  "tenant.configure": "change a tenant's config",
  "tenant.rotate": "rotate a tenant's credentials",
  "tenant.preview": "preview a tenant's stack",
  "tenant.suspend": "suspend a tenant",
  "tenant.resume": "resume a suspended tenant",
  "tenant.deprovision": "deprovision a tenant",
  "portal.metrics": "read the portal's metrics",
} as const;
export type PortalAction = keyof typeof PORTAL_ACTIONS;

/** The table. A tenant's `tenant.configure` is further limited to its data-policy keys ({@link mayChangeConfigKeys}). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, Readonly<Record<PortalAction, Reach>>>> = {
  admin: {
    "caller.read": "every",
    "tenants.list": "every",
    "tenants.create": "every",
    "tenant.read": "every",
    "tenant.audit": "every",
    "tenant.operations": "every",
    "tenant.configure": "every",
    "tenant.rotate": "every",
    "tenant.preview": "every",
    "tenant.suspend": "every",
    "tenant.resume": "every",
    "tenant.deprovision": "every",
    "portal.metrics": "every",
  },
  auditor: {
    "caller.read": "every",
    "tenants.list": "every",
    "tenants.create": "none",
    "tenant.read": "every",
    "tenant.audit": "every",
    "tenant.operations": "every",
    "tenant.configure": "none",
    "tenant.rotate": "none",
    "tenant.preview": "none",
    "tenant.suspend": "none",
    "tenant.resume": "none",
    "tenant.deprovision": "none",
    "portal.metrics": "none",
  },
  tenant: {
    "caller.read": "own",
    "tenants.list": "own",
    "tenants.create": "none",
    "tenant.read": "own",
    "tenant.audit": "own",
    "tenant.operations": "own",
    "tenant.configure": "own",
    "tenant.rotate": "own",
    "tenant.preview": "none",
    "tenant.suspend": "none",
    "tenant.resume": "none",
    "tenant.deprovision": "none",
    "portal.metrics": "none",
  },
};

/** Whether `value` names an action of the table. */
export function isPortalAction(value: unknown): value is PortalAction {
  return typeof value === "string" && Object.hasOwn(PORTAL_ACTIONS, value);
}

/** Whether `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** How far `role` may perform `action`. */
export function reachOf(role: Role, action: PortalAction): Reach {
  return ROLE_PERMISSIONS[role][action];
}

/** The roles that may perform `action` at all, in {@link ROLES} order. */
export function rolesAllowed(action: PortalAction): Role[] {
  return ROLES.filter((role) => reachOf(role, action) !== "none");
}

/** Who decides a §6 config key: the tenant itself (its data policy), operators only, or the registry. */
export type ConfigKeyOwner = "data-policy" | "operator" | "registry";

/**
 * Every §6 key and who may change it. Data policy: how the tenant's own documents are treated
 * (PII handling, classification, the injection threshold, accepted MIME types, generation, how
 * long data is kept). Operators: what costs money or opens the tenant's reach (server, network),
 * capacity (quotas) and the embedding model, whose dimensions fix the Qdrant collection.
 * `config_version` is the registry's counter: a value in a patch is ignored (the registry bumps it).
 * A new §6 key does not compile until it is placed here.
 */
export const CONFIG_KEY_OWNERS: Readonly<Record<keyof TenantConfig, ConfigKeyOwner>> = {
  config_version: "registry",
  pii: "data-policy",
  classification: "data-policy",
  injection: "data-policy",
  mime_allowlist: "data-policy",
  generation_enabled: "data-policy",
  retention_days: "data-policy",
  embedding: "operator",
  server: "operator",
  network: "operator",
  quotas: "operator",
};

const keysOwnedBy = (owner: ConfigKeyOwner): (keyof TenantConfig)[] =>
  (Object.keys(CONFIG_KEY_OWNERS) as (keyof TenantConfig)[]).filter((key) => CONFIG_KEY_OWNERS[key] === owner);

/** The §6 keys a tenant may change in its own config. */
export const DATA_POLICY_KEYS: readonly (keyof TenantConfig)[] = keysOwnedBy("data-policy");
/** The §6 keys only an operator may change. */
export const OPERATOR_CONFIG_KEYS: readonly (keyof TenantConfig)[] = keysOwnedBy("operator");

/**
 * The second half of the table: whose config keys each role's `tenant.configure` may touch. The
 * registry's own key is everyone's to send, since the registry ignores it.
 */
export const CONFIG_KEY_PERMISSIONS: Readonly<Record<Role, readonly ConfigKeyOwner[]>> = {
  admin: ["data-policy", "operator", "registry"],
  auditor: [],
  tenant: ["data-policy", "registry"],
};

/** What {@link mayChangeConfigKeys} decided: allowed, or refused with the keys the role may not touch. */
export type ConfigChangeDecision = { readonly allowed: true } | { readonly allowed: false; readonly refusedKeys: readonly string[] };

/**
 * Whether `role` may apply a config merge patch that touches these top-level keys (present in the
 * patch, whatever the value, `null` included). Unknown keys are left to the config's validation,
 * which refuses them with their path.
 */
export function mayChangeConfigKeys(role: Role, patch: unknown): ConfigChangeDecision {
  const keys = typeof patch === "object" && patch !== null && !Array.isArray(patch) ? Object.keys(patch) : [];
  const mayTouch = reachOf(role, "tenant.configure") === "none" ? [] : CONFIG_KEY_PERMISSIONS[role];
  const refusedKeys = keys.filter((key) => Object.hasOwn(CONFIG_KEY_OWNERS, key) && !mayTouch.includes(CONFIG_KEY_OWNERS[key as keyof TenantConfig])).sort();
  return refusedKeys.length === 0 ? { allowed: true } : { allowed: false, refusedKeys };
}
