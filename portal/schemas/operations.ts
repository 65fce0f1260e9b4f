/** Schemas of operations and their progress stream. */
import { Type, type Static } from "typebox";
import type { ProgressEvent as StackProgressEvent } from "../../stacks";
import { OPERATION_KINDS, OPERATION_STATES } from "../../controlplane";
import { AnyObject, NullableTimestamp, Timestamp } from "./common";

/** An operation: what was asked, by whom, and how it ended. */
export const OperationView = Type.Object(
  {
    operationId: Type.String({ format: "uuid" }),
    tenantId: Type.String(),
    kind: Type.Enum([...OPERATION_KINDS]),
    state: Type.Enum([...OPERATION_STATES]),
    actor: Type.String({ description: "the token that asked" }),
    createdAt: Timestamp,
    startedAt: NullableTimestamp,
    finishedAt: NullableTimestamp,
    error: Type.Union([Type.String(), Type.Null()], { description: "why it failed (secrets redacted)" }),
    result: Type.Union([AnyObject("the engine's summary and the tenant's state afterwards"), Type.Null()]),
  },
  { additionalProperties: false },
);
export type OperationView = Static<typeof OperationView>;

const resource = <const T extends string>(type: T) =>
  Type.Object(
    { type: Type.Literal(type), urn: Type.String(), resourceType: Type.String(), op: Type.String({ description: "create, update, delete, replace, …" }) },
    { additionalProperties: false },
  );

/** One event of the progress stream (the `data` of an SSE `progress` event). */
export const ProgressEvent = Type.Union([
  resource("resource-started"),
  resource("resource-finished"),
  resource("resource-failed"),
  Type.Object(
    { type: Type.Literal("diagnostic"), severity: Type.Enum(["info", "warning", "error"]), message: Type.String(), urn: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal("summary"),
      result: Type.Enum(["succeeded", "failed", "cancelled"]),
      resourceChanges: Type.Record(Type.String(), Type.Integer()),
      durationSeconds: Type.Number(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal("step"),
      step: Type.Enum(["stack-selected", "config-written", "update-started", "preview-started", "destroy-started", "stack-removed"]),
    },
    { additionalProperties: false },
  ),
]);

/** The schema and the stacks layer's type describe the same events. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const progressSchemaMatchesType: Same<Static<typeof ProgressEvent>["type"], StackProgressEvent["type"]> = true;
void progressSchemaMatchesType;

/** A `data` field holding one JSON document of `schema`. */
const jsonData = (schema: object) => ({ type: "string", contentMediaType: "application/json", contentSchema: schema });

/**
 * One event of `GET /operations/{id}/stream`, as its fields (`event`, `id`, `data`): OpenAPI 3.2's
 * way of describing `text/event-stream`, which testers read from `schema` in 3.1 documents too.
 */
export const StreamEvent = {
  description:
    "one server-sent event: `progress` (id: its sequence number from 1; data: one progress event), or the last one: `end` (data: the finished operation), or `closed` when the stream's token was revoked, expired or could not be checked (data: the reason)",
  oneOf: [
    {
      type: "object",
      required: ["event", "id", "data"],
      properties: { event: { const: "progress" }, id: { type: "string", pattern: "^[1-9][0-9]*$" }, data: jsonData(ProgressEvent) },
      additionalProperties: false,
    },
    {
      type: "object",
      required: ["event", "data"],
      properties: { event: { const: "end" }, data: jsonData(OperationView) },
      additionalProperties: false,
    },
    {
      type: "object",
      required: ["event", "data"],
      properties: {
        event: { const: "closed" },
        data: jsonData(
          Type.Object(
            { reason: Type.Enum(["token-revoked", "token-expired", "token-unchecked"]), message: Type.String() },
            { additionalProperties: false, description: "why the stream ended before its operation did" },
          ),
        ),
      },
      additionalProperties: false,
    },
  ],
} as const;
