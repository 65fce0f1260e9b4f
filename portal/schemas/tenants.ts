/** Schemas of the tenant routes: the request bodies, the tenant and its audit events. */
import { Type, type Static } from "typebox";
import { AnyObject, NullableTimestamp, Timestamp } from "./common";
import { checkedByDomain, type JsonSchema } from "./documented";
import { TENANT_ID_DOCUMENT, tenantConfigDocument } from "./tenantRules";
import { AUDIT_EVENT_TYPES, TENANT_STATES } from "../../domain";
import { DRIFT_RESULTS } from "../../controlplane";

const TENANT_CONFIG = tenantConfigDocument();

/**
 * A JSON merge patch (RFC 7386) of a config of `schema`: every key optional, `null` removes a key
 * (so it takes its default again), objects merge key by key, anything else replaces the value.
 */
function mergePatchDocument(schema: JsonSchema): JsonSchema {
  const properties = schema["properties"];
  if (schema["type"] !== "object" || typeof properties !== "object" || properties === null) return schema;
  const { required: _required, default: _default, ...rest } = schema;
  return {
    ...rest,
    properties: Object.fromEntries(
      Object.entries(properties as Record<string, JsonSchema>).map(([key, value]) => [key, { anyOf: [mergePatchDocument(value), { type: "null" }] }]),
    ),
  };
}

/** A tenant config (DESIGN §6); checked by the domain's parseTenantConfig, which names each bad path. */
export const TenantConfigBody = Type.Object(
  {},
  {
    additionalProperties: true,
    description: "tenant config (DESIGN §6); missing keys take their defaults, unknown keys are refused",
    ...checkedByDomain(TENANT_CONFIG),
  },
);

/** POST /tenants. */
export const CreateTenantBody = Type.Object(
  { id: Type.String(checkedByDomain({ ...TENANT_ID_DOCUMENT, description: "the new tenant's id (DESIGN §1)" })), config: Type.Optional(TenantConfigBody) },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

/** PATCH /tenants/:id/config: a JSON merge patch (RFC 7386) of the stored config; null resets a key to its default. */
export const ConfigPatchBody = Type.Object(
  {},
  {
    additionalProperties: true,
    description: "a JSON merge patch (RFC 7386) of the tenant's config: null resets a key to its default; the merged config must be valid (DESIGN §6)",
    ...checkedByDomain(mergePatchDocument(TENANT_CONFIG)),
  },
);

/** GET /tenants?state=… */
export const ListTenantsQuery = Type.Object({ state: Type.Optional(Type.Enum([...TENANT_STATES])) }, { additionalProperties: false });

/** A tenant's last drift check (`pulumi preview --refresh`, scheduled or `frostbyte fleet drift`). */
export const DriftView = Type.Object(
  {
    checkedAt: Timestamp,
    result: Type.Enum([...DRIFT_RESULTS], { description: "in_sync: the stores match the desired state; drifted: they differ; failed: the check could not run" }),
    changes: Type.Optional(
      Type.Object({}, { additionalProperties: Type.Integer({ minimum: 1 }), description: "drifted only: what `up --refresh` would change, by engine step (e.g. update: 1)" }),
    ),
    error: Type.Optional(Type.String({ description: "failed only: why, redacted" })),
  },
  { additionalProperties: false },
);
export type DriftView = Static<typeof DriftView>;

/** A tenant as the registry holds it (never a secret). */
export const TenantView = Type.Object(
  {
    tenantId: Type.String(),
    state: Type.Enum([...TENANT_STATES]),
    config: AnyObject("the tenant's validated config, defaults filled in"),
    configVersion: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    provisioningStartedAt: NullableTimestamp,
    provisionedAt: NullableTimestamp,
    agePublicKey: Type.Union([Type.String(), Type.Null()]),
    endpoints: AnyObject("where the tenant's services answer (never a secret)"),
    activeOperationId: Type.Union([Type.String({ format: "uuid" }), Type.Null()], { description: "the queued or running operation, if any" }),
    drift: Type.Union([DriftView, Type.Null()], { description: "the last drift check; null: never checked" }),
  },
  { additionalProperties: false },
);
export type TenantView = Static<typeof TenantView>;

export const TenantList = Type.Object({ tenants: Type.Array(TenantView) }, { additionalProperties: false });

/** One audit event (DESIGN §5) of the tenant's hash chain. */
export const AuditEventView = Type.Object(
  {
    eventId: Type.String({ format: "uuid" }),
    tenantId: Type.String(),
    chainSeq: Type.Integer({ minimum: 1 }),
    eventType: Type.Enum([...AUDIT_EVENT_TYPES]),
    occurredAt: Type.String({ description: "UTC with microseconds" }),
    actor: Type.String(),
    resourceType: Type.Union([Type.String(), Type.Null()]),
    resourceId: Type.Union([Type.String(), Type.Null()]),
    details: AnyObject("what changed; never a secret"),
    previousEventId: Type.Union([Type.String({ format: "uuid" }), Type.Null()]),
    prevHash: Type.Union([Type.String(), Type.Null()]),
    hash: Type.String(),
  },
  { additionalProperties: false },
);

export const AuditEventList = Type.Object({ events: Type.Array(AuditEventView) }, { additionalProperties: false });
