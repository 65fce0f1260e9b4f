/**
 * The audit event types of DESIGN §5, plus four additions for registry changes §5 has no event for:
 * TENANT_CREDENTIALS_ROTATED (an applied rotation, migration 007), TENANT_ENDPOINTS_UPDATED,
 * TENANT_AGE_KEY_UPDATED and TENANT_ROTATION_TOKEN_UPDATED (migration 011: every change of a tenant
 * row is recorded). The database's CHECK on `audit_events.event_type` lists the same fourteen.
 */
export const AUDIT_EVENT_TYPES = [
  "TENANT_CREATED",
  "TENANT_PROVISION_STARTED",
  "TENANT_PROVISIONED",
  "TENANT_PROVISION_FAILED",
  "TENANT_CONFIG_UPDATED",
  "TENANT_ISOLATION_VERIFIED",
  "TENANT_SUSPENDED",
  "TENANT_RESUMED",
  "TENANT_DEPROVISION_STARTED",
  "TENANT_DEPROVISIONED",
  "TENANT_CREDENTIALS_ROTATED",
  "TENANT_ENDPOINTS_UPDATED",
  "TENANT_AGE_KEY_UPDATED",
  "TENANT_ROTATION_TOKEN_UPDATED",
] as const;

/** One of the §5 audit event types. */
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * Events that record no change of the registry row, so they may be appended on their own.
 * Every other type is written by the registry together with the change it records.
 */
export const STANDALONE_EVENT_TYPES = ["TENANT_ISOLATION_VERIFIED"] as const satisfies readonly AuditEventType[];

/** An event type that may be appended without a registry change. */
export type StandaloneEventType = (typeof STANDALONE_EVENT_TYPES)[number];

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === "string" && (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}
