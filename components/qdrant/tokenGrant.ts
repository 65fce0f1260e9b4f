/**
 * Revocable Qdrant tokens. Qdrant's JWT RBAC has no revocation list; its answer is the `value_exists`
 * claim: a token is valid only while a point with the given payload exists in a given collection.
 * Every tenant token names its grant point in the platform collection `frostbyte_token_grants`
 * (tenant id, rotation token, status), so suspending the tenant (status `suspended`), rotating its
 * credentials (a new rotation token) or destroying it (point deleted) refuses the token at once,
 * while resuming makes the same token valid again. Tenant tokens can't read or write that
 * collection: their `access` claim names only the tenant's own collection.
 */
/** The platform collection holding one grant point per tenant. */
export const TOKEN_GRANTS_COLLECTION = "frostbyte_token_grants";

/** Grant points carry no meaningful vector; Qdrant still wants one per point. */
export const TOKEN_GRANTS_VECTOR = { size: 1, distance: "Dot" } as const;

/**
 * The payload field Qdrant indexes in that collection: every request with a tenant token looks its
 * grant up by these matches, and without an index that lookup scans every grant point.
 */
export const TOKEN_GRANTS_INDEXED_FIELD = "tenant_id";

export type GrantStatus = "enabled" | "suspended";

/** The payload of a tenant's grant point. */
export interface TokenGrantPayload {
  readonly tenant_id: string;
  readonly rotation: string;
  readonly status: GrantStatus;
}

/** One `value_exists.matches` entry of a Qdrant JWT. */
export interface ValueMatch {
  readonly key: keyof TokenGrantPayload;
  readonly value: string;
}

/** The grant point's id: a UUID derived from the tenant id, so each tenant has exactly one. */
export function tokenGrantPointId(tenantId: string): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const hex = createHash("sha256").update(`frostbyte-token-grant:${tenantId}`).digest("hex");
  // RFC 9562 version 8 (custom) and the RFC variant bits.
  const version = `8${hex.slice(13, 16)}`;
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}

export function tokenGrantPayload(tenantId: string, rotation: string, enabled: boolean): TokenGrantPayload {
  return { tenant_id: tenantId, rotation, status: enabled ? "enabled" : "suspended" };
}

/** What a tenant token requires of its grant point: this tenant, this rotation, enabled. */
export function tokenGrantMatches(tenantId: string, rotation: string): ValueMatch[] {
  return [
    { key: "tenant_id", value: tenantId },
    { key: "rotation", value: rotation },
    { key: "status", value: "enabled" },
  ];
}
