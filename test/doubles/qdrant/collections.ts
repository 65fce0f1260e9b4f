/**
 * Collection model of the Qdrant test double: `PUT /collections/{name}` body → stored collection,
 * `PATCH` diffs, and the `CollectionInfo` rendering of `GET /collections/{name}`.
 *
 * Checked against Qdrant v1.19.0: `lib/storage/src/content_manager/collection_meta_ops.rs` (`CreateCollection`,
 * `UpdateCollection`), `lib/storage/src/content_manager/toc/create_collection.rs` (defaults applied on create),
 * `lib/storage/src/content_manager/toc/collection_meta_ops.rs` (`update_collection`),
 * `lib/collection/src/operations/types.rs` (`VectorParams` size 1..=65536, `VectorsConfig` untagged,
 * `CollectionInfo`, `CollectionConfig`), `lib/collection/src/operations/config_diff.rs` (diff ranges),
 * `lib/collection/src/config.rs` (`CollectionParams`, `WalConfig`), `config/config.yaml` (defaults),
 * `lib/collection/src/optimizers_builder.rs` (`OptimizersConfig`).
 */
import { noVariantError, storageError } from "./envelope";
import { payloadSchema } from "./payloadIndexes";
import {
  applyDiff,
  checkNumericFields,
  isObject,
  isUnsigned,
  rangeIssue,
  throwIfIssues,
  typeError,
  type NumericRule,
} from "./serde";
import { DISTANCES, type Distance, type JsonObject, type JsonValue, type StoredCollection, type VectorParams, type VectorsConfig } from "./types";

const MAX_VECTOR_SIZE = 65536;
const VECTOR_PARAM_EXTRAS = ["hnsw_config", "quantization_config", "on_disk", "memory", "datatype", "multivector_config"];

const HNSW_RULES: Record<string, NumericRule> = {
  m: { kind: "uint" },
  ef_construct: { kind: "uint", min: 4 },
  full_scan_threshold: { kind: "uint", min: 10 },
  max_indexing_threads: { kind: "uint" },
  payload_m: { kind: "uint" },
};
const OPTIMIZER_RULES: Record<string, NumericRule> = {
  deleted_threshold: { kind: "float", min: 0, max: 1 },
  vacuum_min_vector_number: { kind: "uint", min: 100 },
  default_segment_number: { kind: "uint" },
  max_segment_size: { kind: "uint", min: 1 },
  indexing_threshold: { kind: "uint" },
  flush_interval_sec: { kind: "uint" },
};
const WAL_RULES: Record<string, NumericRule> = {
  wal_capacity_mb: { kind: "uint", min: 1 },
  wal_segments_ahead: { kind: "uint" },
  wal_retain_closed: { kind: "uint", min: 1 },
};
const FACTOR_RULE: NumericRule = { kind: "uint", min: 1 };

/** `config/config.yaml` `storage.hnsw_index` (rendered `HnswConfig`; `payload_m: null` is skipped). */
const DEFAULT_HNSW: JsonObject = { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false };
/** `config/config.yaml` `storage.optimizers` (rendered `OptimizersConfig`, no field skipped). */
const DEFAULT_OPTIMIZERS: JsonObject = {
  deleted_threshold: 0.2,
  vacuum_min_vector_number: 1000,
  default_segment_number: 0,
  max_segment_size: null,
  memmap_threshold: null,
  indexing_threshold: 10000,
  flush_interval_sec: 5,
  max_optimization_threads: null,
  prevent_unoptimized: null,
};
/** `WalConfig::default` / `config/config.yaml` `storage.wal`. */
const DEFAULT_WAL: JsonObject = { wal_capacity_mb: 32, wal_segments_ahead: 0, wal_retain_closed: 1 };
const HNSW_KEYS = [...Object.keys(DEFAULT_HNSW), "memory", "payload_m", "inline_storage"];
const HNSW_ALIASES = { full_scan_threshold_kb: "full_scan_threshold" };
const OPTIMIZER_ALIASES = { max_segment_size_kb: "max_segment_size", memmap_threshold_kb: "memmap_threshold", indexing_threshold_kb: "indexing_threshold" };
const PARAMS_DIFF_KEYS = ["replication_factor", "write_consistency_factor", "read_fan_out_factor", "read_fan_out_delay_ms", "on_disk_payload"];

/** serde of one `VectorParams`; `undefined` when it does not deserialize. */
function parseVectorParams(value: JsonValue): VectorParams | undefined {
  if (!isObject(value)) return undefined;
  const { size, distance } = value;
  if (!isUnsigned(size) || size === 0) return undefined; // NonZeroU64
  if (typeof distance !== "string" || !DISTANCES.includes(distance as Distance)) return undefined;
  const params: VectorParams = { size, distance: distance as Distance };
  const quantization = value["quantization_config"] ?? value["quantization"];
  const extras: JsonObject = { ...value, quantization_config: quantization ?? null };
  for (const key of VECTOR_PARAM_EXTRAS) {
    const v = extras[key];
    if (v === undefined || v === null) continue;
    if (key === "hnsw_config" && isObject(v) && Object.keys(v).length === 0) continue; // is_hnsw_diff_empty
    params[key] = v;
  }
  return params;
}

/** `VectorsConfig` (untagged: `Single` first, then `Multi`), plus the `Validate` size range check. */
export function parseVectorsConfig(value: JsonValue | undefined, issues: string[]): VectorsConfig {
  if (value === undefined || value === null) return { kind: "named", params: {} };
  const single = parseVectorParams(value);
  if (single !== undefined) {
    const issue = rangeIssue(single.size, { kind: "uint", min: 1, max: MAX_VECTOR_SIZE });
    if (issue !== undefined) issues.push(`vectors.size: ${issue}`);
    return { kind: "single", params: single };
  }
  if (!isObject(value)) throw noVariantError("VectorsConfig");
  const named: Record<string, VectorParams> = {};
  for (const name of Object.keys(value).sort()) {
    const params = parseVectorParams(value[name] ?? null);
    if (params === undefined) throw noVariantError("VectorsConfig");
    named[name] = params;
  }
  const bad = Object.values(named)
    .map((p) => rangeIssue(p.size, { kind: "uint", min: 1, max: MAX_VECTOR_SIZE }))
    .map((issue, i) => ({ issue, i }))
    .filter((x): x is { issue: string; i: number } => x.issue !== undefined);
  for (const { issue, i } of bad) issues.push(bad.length === 1 ? `vectors.?.size: ${issue}` : `vectors.?[${i}].size: ${issue}`);
  return { kind: "named", params: named };
}

function checkFactor(body: JsonObject, field: string, prefix: string, issues: string[]): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isUnsigned(v)) throw typeError(v, "u32");
  const issue = rangeIssue(v, FACTOR_RULE);
  if (issue !== undefined) issues.push(`${prefix}${field}: ${issue}`);
  return v;
}

function optionalObject(body: JsonObject, key: string, structName: string): JsonObject | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw typeError(v, structName);
  return v;
}

/** A new collection from a `CreateCollection` body (existence is checked by the caller). */
export function createCollection(name: string, body: JsonValue): StoredCollection {
  if (!isObject(body)) throw typeError(body, "struct CreateCollection");
  const issues: string[] = [];
  const vectors = parseVectorsConfig(body["vectors"], issues);
  const shardNumber = checkFactor(body, "shard_number", "", issues);
  const replicationFactor = checkFactor(body, "replication_factor", "", issues);
  const writeConsistencyFactor = checkFactor(body, "write_consistency_factor", "", issues);
  const hnsw = checkNumericFields(body["hnsw_config"], HNSW_RULES, "hnsw_config.", issues, "HnswConfigDiff");
  const wal = checkNumericFields(body["wal_config"], WAL_RULES, "wal_config.", issues, "WalConfigDiff");
  const optimizers = checkNumericFields(
    body["optimizers_config"] ?? body["optimizer_config"],
    OPTIMIZER_RULES,
    "optimizers_config.",
    issues,
    "OptimizersConfigDiff",
  );
  throwIfIssues(issues);
  const onDiskPayload = body["on_disk_payload"];
  if (onDiskPayload !== undefined && onDiskPayload !== null && typeof onDiskPayload !== "boolean") throw typeError(onDiskPayload, "a boolean");
  const sharding = body["sharding_method"];
  if (sharding !== undefined && sharding !== null && sharding !== "auto" && sharding !== "custom") {
    throw typeError(sharding, "one of `auto`, `custom`");
  }

  const params: JsonObject = { shard_number: shardNumber ?? 1 };
  if (sharding === "auto" || sharding === "custom") params["sharding_method"] = sharding;
  params["replication_factor"] = replicationFactor ?? 1;
  params["write_consistency_factor"] = writeConsistencyFactor ?? 1;
  params["on_disk_payload"] = typeof onDiskPayload === "boolean" ? onDiskPayload : true;
  const payload = optionalObject(body, "payload", "struct PayloadStorageParams");
  if (payload !== undefined) params["payload"] = payload;
  const sparse = optionalObject(body, "sparse_vectors", "a map");
  if (sparse !== undefined) params["sparse_vectors"] = sparse;

  return {
    name,
    vectors,
    params,
    hnswConfig: applyDiff(DEFAULT_HNSW, hnsw, HNSW_KEYS, HNSW_ALIASES),
    optimizerConfig: applyDiff(DEFAULT_OPTIMIZERS, optimizers, Object.keys(DEFAULT_OPTIMIZERS), OPTIMIZER_ALIASES),
    walConfig: applyDiff(DEFAULT_WAL, wal, Object.keys(DEFAULT_WAL)),
    quantizationConfig: body["quantization_config"] ?? body["quantization"] ?? null,
    strictModeConfig: optionalObject(body, "strict_mode_config", "struct StrictModeConfig"),
    metadata: optionalObject(body, "metadata", "a map"),
    points: new Map(),
    payloadIndexes: new Map(),
    lastOperationId: -1,
  };
}

interface UpdateBody {
  optimizers: JsonObject | undefined;
  hnsw: JsonObject | undefined;
  paramsDiff: JsonObject | undefined;
  vectorsDiff: JsonObject | undefined;
}

/** serde + `Validate` of an `UpdateCollection` body (runs in the JSON extractor, before any access check). */
export function parseUpdateBody(body: JsonValue): UpdateBody {
  if (!isObject(body)) throw typeError(body, "struct UpdateCollection");
  const issues: string[] = [];
  const optimizers = checkNumericFields(
    body["optimizers_config"] ?? body["optimizer_config"],
    OPTIMIZER_RULES,
    "optimizers_config.",
    issues,
    "OptimizersConfigDiff",
  );
  const hnsw = checkNumericFields(body["hnsw_config"], HNSW_RULES, "hnsw_config.", issues, "HnswConfigDiff");
  const paramsDiff = optionalObject(body, "params", "struct CollectionParamsDiff");
  if (paramsDiff !== undefined) {
    checkFactor(paramsDiff, "replication_factor", "params.", issues);
    checkFactor(paramsDiff, "write_consistency_factor", "params.", issues);
  }
  const vectorsDiff = optionalObject(body, "vectors", "a map");
  throwIfIssues(issues);
  return { optimizers, hnsw, paramsDiff, vectorsDiff };
}

/** Applies an `UpdateCollection` body (`PATCH /collections/{name}`), as `TableOfContent::update_collection` does. */
export function updateCollection(collection: StoredCollection, body: JsonObject): void {
  const { optimizers, hnsw, paramsDiff, vectorsDiff } = parseUpdateBody(body);
  if (vectorsDiff !== undefined) {
    for (const name of Object.keys(vectorsDiff)) {
      const exists = collection.vectors.kind === "single" ? name === "" : collection.vectors.params[name] !== undefined;
      if (!exists) throw storageError.badInput(`Not existing vector name error: ${name}`);
    }
  }

  if (optimizers !== undefined) {
    const diff: JsonObject = { ...optimizers };
    if (diff["max_optimization_threads"] === "auto") diff["max_optimization_threads"] = null;
    collection.optimizerConfig = applyDiff(collection.optimizerConfig, diff, Object.keys(DEFAULT_OPTIMIZERS), OPTIMIZER_ALIASES);
  }
  if (paramsDiff !== undefined) {
    const next = applyDiff(collection.params, paramsDiff, PARAMS_DIFF_KEYS);
    const payload = paramsDiff["payload"];
    if (isObject(payload)) next["payload"] = applyDiff(isObject(next["payload"]) ? next["payload"] : {}, payload, ["memory"]);
    collection.params = next;
  }
  if (hnsw !== undefined) collection.hnswConfig = applyDiff(collection.hnswConfig, hnsw, HNSW_KEYS, HNSW_ALIASES);
  if (vectorsDiff !== undefined) {
    for (const [name, diff] of Object.entries(vectorsDiff)) {
      if (!isObject(diff)) continue;
      const target = collection.vectors.kind === "single" ? collection.vectors.params : collection.vectors.params[name];
      if (target === undefined) continue;
      for (const key of ["hnsw_config", "quantization_config", "on_disk", "memory"]) {
        const v = key === "quantization_config" ? (diff[key] ?? diff["quantization"]) : diff[key];
        if (v === undefined || v === null) continue;
        if (key === "hnsw_config" && isObject(v)) target[key] = applyDiff(isObject(target[key]) ? target[key] : {}, v, HNSW_KEYS);
        else target[key] = v === "Disabled" ? null : v;
      }
    }
  }
  const quantization = body["quantization_config"] ?? body["quantization"];
  if (quantization !== undefined && quantization !== null) collection.quantizationConfig = quantization === "Disabled" ? null : quantization;
  const sparse = optionalObject(body, "sparse_vectors", "a map");
  if (sparse !== undefined) {
    const current = isObject(collection.params["sparse_vectors"]) ? collection.params["sparse_vectors"] : {};
    collection.params["sparse_vectors"] = { ...current, ...sparse };
  }
  const strict = optionalObject(body, "strict_mode_config", "struct StrictModeConfig");
  if (strict !== undefined) collection.strictModeConfig = { ...(collection.strictModeConfig ?? {}), ...strict };
  const metadata = optionalObject(body, "metadata", "a map");
  if (metadata !== undefined) collection.metadata = { ...(collection.metadata ?? {}), ...metadata };
}

/** `VectorsConfig` as rendered in `config.params.vectors`. */
export function vectorsConfigJson(vectors: VectorsConfig): JsonObject {
  if (vectors.kind === "single") return { ...vectors.params };
  return Object.fromEntries(Object.entries(vectors.params).map(([n, p]) => [n, { ...p }]));
}

/** `CollectionInfo` (the `result` of `GET /collections/{name}`). */
export function collectionInfo(collection: StoredCollection): JsonObject {
  const { shard_number: shardNumber, ...restParams } = collection.params;
  const config: JsonObject = {
    params: { vectors: vectorsConfigJson(collection.vectors), shard_number: shardNumber ?? 1, ...restParams },
    hnsw_config: { ...collection.hnswConfig },
    optimizer_config: { ...collection.optimizerConfig },
    wal_config: { ...collection.walConfig },
    quantization_config: collection.quantizationConfig,
  };
  if (collection.strictModeConfig !== undefined) config["strict_mode_config"] = { ...collection.strictModeConfig };
  if (collection.metadata !== undefined) config["metadata"] = { ...collection.metadata };
  const pointsCount = collection.points.size;
  // Nominal: a real shard starts with `default_segment_number` segments (0 = chosen from the CPU count).
  const configuredSegments = collection.optimizerConfig["default_segment_number"];
  const segmentsCount = typeof configuredSegments === "number" && configuredSegments > 0 ? configuredSegments : 2;
  return {
    status: "green",
    optimizer_status: "ok",
    indexed_vectors_count: 0,
    points_count: pointsCount,
    segments_count: segmentsCount,
    config,
    payload_schema: payloadSchema(collection),
    update_queue: { length: 0 },
  };
}
