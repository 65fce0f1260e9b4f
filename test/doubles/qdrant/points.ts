/**
 * Point writes of the Qdrant test double: `PUT /collections/{name}/points` (upsert) and `POST …/points/delete`.
 *
 * Checked against Qdrant v1.19.0: `src/actix/api/update_api.rs`, `src/common/update.rs` (`do_upsert_points`:
 * the dimension check runs before the WAL, so a wrong dimension is a 400 even with `wait=false`),
 * `src/common/validate_vectors.rs` (text `Vector dimension error: expected dim: N, got M`),
 * `lib/api/src/rest/schema.rs` (`PointInsertOperations`, `PointStruct` with alias `vectors`, `PointsSelector`),
 * `lib/api/src/rest/validate.rs` (`Batch` length checks), `lib/segment/src/spaces/simple.rs` (Cosine vectors
 * are stored normalized).
 */
import { noVariantError, storageError } from "./envelope";
import { matchesFilter } from "./filter";
import { parsePointId, pointKey } from "./ids";
import { isObject, throwIfIssues } from "./serde";
import type { JsonObject, JsonValue, PointId, PointVectors, StoredCollection, StoredPoint, VectorParams } from "./types";

interface NewPoint {
  id: PointId;
  vectors: PointVectors;
  payload: JsonObject;
}

const UNSUPPORTED = "is not supported by this test double (dense float vectors only)";

function isNumberArray(v: JsonValue | undefined): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}

/** One `Vector` of a named map: dense only; sparse, multi-dense and inference objects are refused. */
function denseVector(value: JsonValue | undefined, enumName: string): number[] {
  if (isNumberArray(value)) return value;
  if (Array.isArray(value) && value.every((x) => isNumberArray(x))) throw storageError.badRequest(`multi-dense vector ${UNSUPPORTED}`);
  if (isObject(value)) throw storageError.badRequest(`sparse / inference vector ${UNSUPPORTED}`);
  throw noVariantError(enumName);
}

/** `VectorStruct` of one point → vectors by name (`""` = the unnamed vector). */
function pointVectors(value: JsonValue | undefined): PointVectors {
  if (value === undefined) throw noVariantError("PointInsertOperations");
  if (isObject(value)) {
    if ("text" in value || "image" in value || "object" in value) throw storageError.badRequest(`inference object ${UNSUPPORTED}`);
    return new Map(Object.entries(value).map(([name, v]) => [name, denseVector(v, "PointInsertOperations")]));
  }
  return new Map([["", denseVector(value, "PointInsertOperations")]]);
}

function payloadOf(value: JsonValue | undefined): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw noVariantError("PointInsertOperations");
  return value;
}

function idOf(value: JsonValue | undefined): PointId {
  const id = parsePointId(value);
  if (id === undefined) throw noVariantError("PointInsertOperations");
  return id;
}

/** serde + `Validate` of `PointInsertOperations` (untagged: `PointsBatch` | `PointsList`). */
export function parseUpsert(body: JsonValue): NewPoint[] {
  if (!isObject(body)) throw noVariantError("PointInsertOperations");
  const batch = body["batch"];
  if (isObject(batch)) {
    const { ids, vectors, payloads } = batch;
    if (!Array.isArray(ids)) throw noVariantError("PointInsertOperations");
    const columns: [string, number[][]][] = [];
    if (Array.isArray(vectors)) columns.push(["", vectors.map((v) => denseVector(v, "PointInsertOperations"))]);
    else if (isObject(vectors)) {
      for (const [name, list] of Object.entries(vectors)) {
        if (!Array.isArray(list)) throw noVariantError("PointInsertOperations");
        columns.push([name, list.map((v) => denseVector(v, "PointInsertOperations"))]);
      }
    } else throw noVariantError("PointInsertOperations");
    const issues: string[] = [];
    const bad = columns.find(([, list]) => list.length !== ids.length);
    if (bad !== undefined) issues.push(`batch.batch: number of ids and vectors must be equal (${ids.length} != ${bad[1].length})`);
    if (Array.isArray(payloads) && payloads.length !== ids.length) {
      issues.push(`batch.batch: number of ids and payloads must be equal (${ids.length} != ${payloads.length})`);
    }
    throwIfIssues(issues);
    return ids.map((rawId, i) => ({
      id: idOf(rawId),
      vectors: new Map(columns.map(([name, list]) => [name, list[i] ?? []])),
      payload: payloadOf(Array.isArray(payloads) ? payloads[i] : undefined),
    }));
  }
  const points = body["points"];
  if (!Array.isArray(points)) throw noVariantError("PointInsertOperations");
  return points.map((p) => {
    if (!isObject(p)) throw noVariantError("PointInsertOperations");
    return { id: idOf(p["id"]), vectors: pointVectors(p["vector"] ?? p["vectors"]), payload: payloadOf(p["payload"]) };
  });
}

/** The configured params of a vector name, if any. */
export function vectorParams(collection: StoredCollection, name: string): VectorParams | undefined {
  if (collection.vectors.kind === "single") return name === "" ? collection.vectors.params : undefined;
  return collection.vectors.params[name];
}

/** `validate_vector_dimensions`, then the segment's vector-name check (the double refuses it up front, for both `wait` modes). */
export function checkUpsertVectors(collection: StoredCollection, points: readonly NewPoint[]): void {
  for (const point of points) {
    for (const [name, vector] of point.vectors) {
      const params = vectorParams(collection, name);
      if (params !== undefined && vector.length !== params.size) {
        throw storageError.badInput(`Vector dimension error: expected dim: ${params.size}, got ${vector.length}`);
      }
    }
  }
  for (const point of points) {
    for (const name of point.vectors.keys()) {
      if (vectorParams(collection, name) === undefined) throw storageError.badInput(`Not existing vector name error: ${name}`);
    }
  }
}

/** `CosineMetric::preprocess`: normalize unless the norm is ~0. */
function preprocess(vector: number[], params: VectorParams | undefined): number[] {
  if (params?.distance !== "Cosine") return [...vector];
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
  return norm < Number.EPSILON ? [...vector] : vector.map((x) => x / norm);
}

/** Applies an upsert (whole points replaced) and returns its operation id. */
export function applyUpsert(collection: StoredCollection, points: readonly NewPoint[]): number {
  const operationId = ++collection.lastOperationId;
  for (const point of points) {
    const vectors: PointVectors = new Map();
    for (const [name, vector] of point.vectors) vectors.set(name, preprocess(vector, vectorParams(collection, name)));
    const stored: StoredPoint = { id: point.id, vectors, payload: structuredClone(point.payload), version: operationId };
    collection.points.set(pointKey(point.id), stored);
  }
  return operationId;
}

/** serde of `PointsSelector` (untagged: `PointIdsList` | `FilterSelector`) → a predicate over stored points. */
export function parseSelector(body: JsonValue): (point: StoredPoint) => boolean {
  if (isObject(body) && Array.isArray(body["points"])) {
    const keys = new Set(
      body["points"].map((raw) => {
        if (parsePointId(raw) === undefined) throw noVariantError("PointsSelector");
        return pointKey(raw);
      }),
    );
    return (point) => keys.has(pointKey(point.id));
  }
  if (isObject(body) && isObject(body["filter"])) {
    const filter = body["filter"];
    return (point) => matchesFilter(point, filter);
  }
  throw noVariantError("PointsSelector");
}

/** Deletes the selected points and returns the operation id. */
export function applyDelete(collection: StoredCollection, selected: (point: StoredPoint) => boolean): number {
  const operationId = ++collection.lastOperationId;
  for (const [key, point] of collection.points) if (selected(point)) collection.points.delete(key);
  return operationId;
}

/** `UpdateResult` of a write. */
export function updateResult(operationId: number, wait: boolean): JsonObject {
  return { operation_id: operationId, status: wait ? "completed" : "acknowledged" };
}
