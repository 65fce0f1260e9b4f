/**
 * Payload indexes of the Qdrant test double: `PUT /collections/{name}/index` and
 * `DELETE /collections/{name}/index/{field_name}`, and `payload_schema` in `CollectionInfo`.
 *
 * Checked against Qdrant v1.19.0: `src/actix/api/update_api.rs` (`create_field_index`, `delete_field_index`),
 * `src/common/update.rs` (`CreateFieldIndex` with alias `field_type`; `do_create_index`: strict-mode check = read
 * access + 404 first, then 400 `Can't auto-detect field type…` when `field_schema` is missing, then the meta
 * operation), `lib/storage/src/rbac/ops_checks.rs` (create and drop need collection write + extras),
 * `lib/segment/src/types.rs` (`PayloadSchemaType`, untagged `PayloadFieldSchema`, `PayloadIndexInfo`).
 * The double keeps no index structure: an index only changes what `payload_schema` reports.
 */
import { noVariantError, storageError } from "./envelope";
import { isObject, missingField, typeError } from "./serde";
import type { JsonObject, JsonValue, StoredCollection } from "./types";

/** `PayloadSchemaType` (snake_case). */
const SCHEMA_TYPES: readonly string[] = ["keyword", "integer", "float", "geo", "text", "bool", "datetime", "uuid"];

/** serde of `CreateFieldIndex`: the field, and its schema when given (a type name or params tagged by `type`). */
export function parseCreateFieldIndex(body: JsonValue): { fieldName: string; fieldSchema: JsonValue | undefined } {
  if (!isObject(body)) throw typeError(body, "struct CreateFieldIndex");
  const fieldName = body["field_name"];
  if (fieldName === undefined) throw missingField("field_name");
  if (typeof fieldName !== "string") throw typeError(fieldName, "a string");
  const schema = body["field_schema"] ?? body["field_type"] ?? null;
  if (schema === null) return { fieldName, fieldSchema: undefined };
  const typeName = isObject(schema) ? schema["type"] : schema;
  if (typeof typeName !== "string" || !SCHEMA_TYPES.includes(typeName)) throw noVariantError("PayloadFieldSchema");
  return { fieldName, fieldSchema: schema };
}

/** `do_create_index`'s refusal of a request that leaves the type to be guessed. */
export function requireFieldSchema(fieldSchema: JsonValue | undefined): JsonValue {
  if (fieldSchema === undefined) throw storageError.badRequest("Can't auto-detect field type, please specify `field_schema` in the request");
  return fieldSchema;
}

/** Creates (or replaces) the index; returns the operation id. */
export function createPayloadIndex(collection: StoredCollection, fieldName: string, fieldSchema: JsonValue): number {
  collection.payloadIndexes.set(fieldName, fieldSchema);
  return ++collection.lastOperationId;
}

/** Drops the index; a field without one is fine, as in Qdrant. Returns the operation id. */
export function dropPayloadIndex(collection: StoredCollection, fieldName: string): number {
  collection.payloadIndexes.delete(fieldName);
  return ++collection.lastOperationId;
}

/** `CollectionInfo.payload_schema`: `PayloadIndexInfo` per indexed field (`points` = points holding a value there). */
export function payloadSchema(collection: StoredCollection): JsonObject {
  const schema: JsonObject = {};
  for (const [field, fieldSchema] of collection.payloadIndexes) {
    const points = [...collection.points.values()].filter((point) => point.payload[field] !== undefined && point.payload[field] !== null).length;
    schema[field] = isObject(fieldSchema) ? { data_type: fieldSchema["type"] ?? null, params: fieldSchema, points } : { data_type: fieldSchema, points };
  }
  return schema;
}
