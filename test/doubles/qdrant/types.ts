/**
 * Shared types of the Qdrant REST API test double. Shapes follow Qdrant v1.19.0
 * (`docs/redoc/master/openapi.json`, `lib/collection/src/operations/types.rs`,
 * `lib/storage/src/rbac/mod.rs`). This is a TEST DOUBLE, not Qdrant.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** `ExtendedPointId`: an unsigned integer or a UUID (rendered lower-case, hyphenated). */
export type PointId = number | string;

export type Distance = "Cosine" | "Euclid" | "Dot" | "Manhattan";
export const DISTANCES: readonly Distance[] = ["Cosine", "Euclid", "Dot", "Manhattan"];

/** `VectorParams` as stored and rendered (extra keys the client sent are kept verbatim). */
export interface VectorParams {
  size: number;
  distance: Distance;
  [extra: string]: JsonValue;
}

/** `VectorsConfig`: one unnamed vector (`Single`) or a map of named vectors (`Multi`). */
export type VectorsConfig = { kind: "single"; params: VectorParams } | { kind: "named"; params: Record<string, VectorParams> };

/** Dense vectors of one point, by vector name (`""` is Qdrant's DEFAULT_VECTOR_NAME). */
export type PointVectors = Map<string, number[]>;

export interface StoredPoint {
  id: PointId;
  vectors: PointVectors;
  payload: JsonObject;
  /** Operation number of the last write to this point (`ScoredPoint.version`). */
  version: number;
}

export interface StoredCollection {
  name: string;
  vectors: VectorsConfig;
  /** `config.params` minus `vectors` (shard_number, replication_factor, on_disk_payload, …). */
  params: JsonObject;
  hnswConfig: JsonObject;
  optimizerConfig: JsonObject;
  walConfig: JsonObject;
  quantizationConfig: JsonValue;
  strictModeConfig: JsonObject | undefined;
  metadata: JsonObject | undefined;
  points: Map<string, StoredPoint>;
  /** Payload indexes by field: the `PayloadFieldSchema` each was created with. */
  payloadIndexes: Map<string, JsonValue>;
  /** Last operation number handed out (`UpdateResult.operation_id`). */
  lastOperationId: number;
}

/** `GlobalAccessMode`: `r` read-only, `m` manage (everything). */
export type GlobalAccessMode = "r" | "m";
/** `CollectionAccessMode`: `r` read, `rw` read-write, `prw` points read-write. */
export type CollectionAccessMode = "r" | "rw" | "prw";

export interface CollectionAccess {
  collection: string;
  access: CollectionAccessMode;
}

/** `storage::rbac::Access`, the access a request was granted. */
export type Access = { kind: "global"; mode: GlobalAccessMode } | { kind: "collections"; list: CollectionAccess[] };

/** How the auth layer judged a request (recorded in the request log). */
export type AuthOutcome =
  | { kind: "whitelisted" }
  | { kind: "api-key" }
  | { kind: "read-only-api-key" }
  | { kind: "jwt"; access: Access; sub?: string; subject?: string }
  | { kind: "rejected"; status: 401 | 403; reason: string };

/** One request the double answered, for tests to assert on what a client did. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, as received (not normalized). */
  path: string;
  /** Raw query string without `?` (`""` if none). */
  query: string;
  status: number;
  auth: AuthOutcome;
  /** Parsed JSON body if the request had a valid one, else `undefined`. */
  body: JsonValue | undefined;
}

/** A point as exposed by the inspection handle. */
export interface PointSnapshot {
  id: PointId;
  /** Unnamed-vector collections: the vector; named: `{ name: vector }`. Cosine vectors are stored normalized, as Qdrant does. */
  vector: number[] | Record<string, number[]>;
  payload: JsonObject;
}

/** A collection as exposed by the inspection handle. */
export interface CollectionSnapshot {
  name: string;
  /** Exactly what `GET /collections/{name}` would return as `result`. */
  info: JsonObject;
  points: PointSnapshot[];
}
