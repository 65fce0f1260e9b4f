/**
 * Point reads of the Qdrant test double: retrieve, scroll, count, search and query (brute-force scoring).
 *
 * Checked against Qdrant v1.19.0: `src/actix/api/retrieve_api.rs`, `count_api.rs`, `search_api.rs`,
 * `query_api.rs`; `lib/api/src/rest/schema.rs` (`Record`, `ScoredPoint`: `payload` / `vector` omitted when not
 * requested; `SearchRequestInternal`, `QueryRequestInternal`, `QueryResponse`); `docs/redoc/master/openapi.json`
 * (defaults: scroll/retrieve `with_payload` true, search/query false, `limit` 10 for scroll/query);
 * `lib/segment/src/spaces/simple.rs` (Cosine = dot of normalized vectors, Euclid/Manhattan = distance, lower first);
 * `lib/collection/src/shards/local_shard/scroll.rs` (query without `query` = points by id, score 1.0).
 */
import { missingField, isObject, isUnsigned, rangeIssue, throwIfIssues, typeError } from "./serde";
import { noVariantError, storageError } from "./envelope";
import { matchesFilter } from "./filter";
import { comparePointIds, parsePointId, pointKey } from "./ids";
import { vectorParams } from "./points";
import type { Distance, JsonObject, JsonValue, PointId, StoredCollection, StoredPoint } from "./types";

function sortedPoints(collection: StoredCollection): StoredPoint[] {
  return [...collection.points.values()].sort((a, b) => comparePointIds(a.id, b.id));
}

/** `WithPayloadInterface`: bool | string[] (include) | `{include}` | `{exclude}`. */
function renderPayload(point: StoredPoint, withPayload: JsonValue | undefined, fallback: boolean): JsonObject | undefined {
  const selector = withPayload === undefined || withPayload === null ? fallback : withPayload;
  if (selector === true) return structuredClone(point.payload);
  if (selector === false) return undefined;
  const pick = (keys: JsonValue, keep: boolean): JsonObject => {
    const names = Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
    return Object.fromEntries(Object.entries(structuredClone(point.payload)).filter(([k]) => names.includes(k) === keep));
  };
  if (Array.isArray(selector)) return pick(selector, true);
  if (isObject(selector) && selector["include"] !== undefined) return pick(selector["include"], true);
  if (isObject(selector) && selector["exclude"] !== undefined) return pick(selector["exclude"], false);
  throw noVariantError("WithPayloadInterface");
}

/** `WithVector`: bool | string[]; an unnamed-vector collection renders a bare array. */
function renderVector(collection: StoredCollection, point: StoredPoint, withVector: JsonValue | undefined): JsonValue | undefined {
  if (withVector === undefined || withVector === null || withVector === false) return undefined;
  if (collection.vectors.kind === "single" && withVector === true) {
    const v = point.vectors.get("");
    return v === undefined ? {} : [...v];
  }
  const names = withVector === true ? [...point.vectors.keys()] : Array.isArray(withVector) ? withVector : undefined;
  if (names === undefined) throw noVariantError("WithVector");
  const out: JsonObject = {};
  for (const name of names) {
    const v = typeof name === "string" ? point.vectors.get(name) : undefined;
    if (v !== undefined && typeof name === "string") out[name] = [...v];
  }
  return out;
}

function record(collection: StoredCollection, point: StoredPoint, req: JsonObject, payloadDefault: boolean): JsonObject {
  const out: JsonObject = { id: point.id };
  const payload = renderPayload(point, req["with_payload"], payloadDefault);
  if (payload !== undefined) out["payload"] = payload;
  const vector = renderVector(collection, point, req["with_vector"] ?? req["with_vectors"]);
  if (vector !== undefined) out["vector"] = vector;
  return out;
}

function requestObject(body: JsonValue, name: string): JsonObject {
  if (body === null) return {};
  if (!isObject(body)) throw typeError(body, `struct ${name}`);
  return body;
}

function limitOf(req: JsonObject, fallback: number | undefined): number {
  const limit = req["limit"] ?? req["top"];
  if (limit === undefined || limit === null) {
    if (fallback === undefined) throw missingField("limit");
    return fallback;
  }
  if (!isUnsigned(limit)) throw typeError(limit, "usize");
  const issue = rangeIssue(limit, { kind: "uint", min: 1 });
  throwIfIssues(issue === undefined ? [] : [`limit: ${issue}`]);
  return limit;
}

/** `POST /collections/{name}/points` (`PointRequest`): found points in request order, duplicates once. */
export function retrievePoints(collection: StoredCollection, body: JsonValue): JsonValue {
  const req = requestObject(body, "PointRequest");
  const ids = req["ids"];
  if (!Array.isArray(ids)) throw ids === undefined ? missingField("ids") : typeError(ids ?? null, "a sequence");
  const seen = new Set<string>();
  const out: JsonValue[] = [];
  for (const raw of ids) {
    if (parsePointId(raw) === undefined) throw noVariantError("ExtendedPointId");
    const key = pointKey(raw);
    const point = collection.points.get(key);
    if (point === undefined || seen.has(key)) continue;
    seen.add(key);
    out.push(record(collection, point, req, true));
  }
  return out;
}

/** `GET /collections/{name}/points/{id}`. */
export function getPoint(collection: StoredCollection, rawId: string): JsonValue {
  const id = parsePointId(/^\d+$/.test(rawId) ? Number(rawId) : rawId);
  const point = id === undefined ? undefined : collection.points.get(pointKey(id));
  if (point === undefined) throw storageError.notFound(`Point with id ${rawId} does not exists!`);
  return record(collection, point, { with_payload: true, with_vector: true }, true);
}

/** `POST …/points/scroll` (`ScrollRequest`): by id from `offset`, `next_page_offset` = the next id or null. */
export function scrollPoints(collection: StoredCollection, body: JsonValue): JsonValue {
  const req = requestObject(body, "ScrollRequest");
  const limit = limitOf(req, 10);
  const orderBy = req["order_by"];
  if (orderBy !== undefined && orderBy !== null) {
    const key = typeof orderBy === "string" ? orderBy : isObject(orderBy) ? String(orderBy["key"]) : "";
    throw storageError.badInput(
      `No range index for \`order_by\` key: \`${key}\`. Please create one to use \`order_by\`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload schemas support Range conditions`,
    );
  }
  const rawOffset = req["offset"];
  let offset: PointId | undefined;
  if (rawOffset !== undefined && rawOffset !== null) {
    offset = parsePointId(rawOffset);
    if (offset === undefined) throw noVariantError("ExtendedPointId");
  }
  const from = offset;
  const matching = sortedPoints(collection).filter(
    (p) => (from === undefined || comparePointIds(p.id, from) >= 0) && matchesFilter(p, req["filter"]),
  );
  const page = matching.slice(0, limit);
  const next = matching[limit];
  return { points: page.map((p) => record(collection, p, req, true)), next_page_offset: next === undefined ? null : next.id };
}

/** `POST …/points/count` (`CountRequest`). */
export function countPoints(collection: StoredCollection, body: JsonValue): JsonValue {
  const req = requestObject(body, "CountRequest");
  return { count: [...collection.points.values()].filter((p) => matchesFilter(p, req["filter"])).length };
}

const LOWER_IS_BETTER: readonly Distance[] = ["Euclid", "Manhattan"];

function score(distance: Distance, query: readonly number[], stored: readonly number[]): number {
  switch (distance) {
    case "Cosine":
    case "Dot":
      return query.reduce((s, x, i) => s + x * (stored[i] ?? 0), 0);
    case "Euclid":
      return Math.sqrt(query.reduce((s, x, i) => s + (x - (stored[i] ?? 0)) ** 2, 0));
    case "Manhattan":
      return query.reduce((s, x, i) => s + Math.abs(x - (stored[i] ?? 0)), 0);
  }
}

interface NearestArgs {
  vectorName: string;
  query: number[];
  req: JsonObject;
  limit: number;
}

function nearest(collection: StoredCollection, { vectorName, query, req, limit }: NearestArgs): JsonObject[] {
  const params = vectorParams(collection, vectorName);
  if (params === undefined) throw storageError.badInput(`Not existing vector name error: ${vectorName}`);
  if (query.length !== params.size) {
    throw storageError.badInput(`Vector dimension error: expected dim: ${params.size}, got ${query.length}`);
  }
  const norm = Math.sqrt(query.reduce((s, x) => s + x * x, 0));
  const q = params.distance === "Cosine" && norm >= Number.EPSILON ? query.map((x) => x / norm) : query;
  const lowerFirst = LOWER_IS_BETTER.includes(params.distance);
  const threshold = typeof req["score_threshold"] === "number" ? req["score_threshold"] : undefined;
  const offset = isUnsigned(req["offset"]) ? req["offset"] : 0;
  const scored = [...collection.points.values()]
    .filter((p) => p.vectors.has(vectorName) && matchesFilter(p, req["filter"]))
    .map((p) => ({ p, s: score(params.distance, q, p.vectors.get(vectorName) ?? []) }))
    .filter(({ s }) => threshold === undefined || (lowerFirst ? s <= threshold : s >= threshold))
    .sort((a, b) => (lowerFirst ? a.s - b.s : b.s - a.s) || comparePointIds(a.p.id, b.p.id));
  return scored.slice(offset, offset + limit).map(({ p, s }) => ({ ...scoredPoint(collection, p, req), score: s }));
}

function scoredPoint(collection: StoredCollection, point: StoredPoint, req: JsonObject): JsonObject {
  const { id, ...rest } = record(collection, point, req, false);
  return { id: id ?? null, version: point.version, score: 1.0, ...rest };
}

/** `POST …/points/search` (`SearchRequest`, served by Qdrant 1.19 though no longer in its OpenAPI document). */
export function searchPoints(collection: StoredCollection, body: JsonValue): JsonValue {
  const req = requestObject(body, "SearchRequest");
  const vector = req["vector"];
  const limit = limitOf(req, undefined);
  if (Array.isArray(vector) && vector.every((x) => typeof x === "number")) {
    return nearest(collection, { vectorName: "", query: vector as number[], req, limit });
  }
  if (isObject(vector) && typeof vector["name"] === "string" && Array.isArray(vector["vector"])) {
    const q = vector["vector"];
    if (!q.every((x) => typeof x === "number")) throw storageError.badRequest("sparse search is not supported by this test double");
    return nearest(collection, { vectorName: vector["name"], query: q as number[], req, limit });
  }
  throw vector === undefined ? missingField("vector") : noVariantError("NamedVectorStruct");
}

/** `POST …/points/query` (`QueryRequest`): nearest by vector or by point id, or no query = points by id. */
export function queryPoints(collection: StoredCollection, body: JsonValue): JsonValue {
  const req = requestObject(body, "QueryRequest");
  const limit = limitOf(req, 10);
  if (req["prefetch"] !== undefined && req["prefetch"] !== null) throw storageError.badRequest("prefetch is not supported by this test double");
  const using = typeof req["using"] === "string" ? req["using"] : "";
  let query = req["query"];
  if (isObject(query) && "nearest" in query) query = query["nearest"];
  if (query === undefined || query === null) {
    const offset = isUnsigned(req["offset"]) ? req["offset"] : 0;
    const page = sortedPoints(collection)
      .filter((p) => matchesFilter(p, req["filter"]))
      .slice(offset, offset + limit);
    return { points: page.map((p) => scoredPoint(collection, p, req)) };
  }
  if (Array.isArray(query) && query.every((x) => typeof x === "number")) {
    return { points: nearest(collection, { vectorName: using, query: query as number[], req, limit }) };
  }
  const id = parsePointId(query);
  if (id !== undefined) {
    const point = collection.points.get(pointKey(id));
    const stored = point?.vectors.get(using);
    if (point === undefined || stored === undefined) throw storageError.notFound(`No point with id ${id} found`);
    const hits = nearest(collection, { vectorName: using, query: stored, req, limit: limit + 1 });
    return { points: hits.filter((h) => h["id"] !== point.id).slice(0, limit) };
  }
  throw storageError.badRequest("only nearest (vector or point id) queries are supported by this test double");
}
