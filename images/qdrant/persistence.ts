/**
 * Persistence of the Qdrant test image: the API double keeps collections in memory, so the image
 * saves them as one JSON file in Qdrant's storage directory (the container's volume) and, on the
 * next start, puts them back through the double's own REST API, as a client would have created
 * them. What survives: each collection's configuration, points (id, vectors, payload) and payload
 * indexes, i.e. everything `GET /collections/{name}` and a scroll return.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CollectionSnapshot, JsonObject, JsonValue } from "../../test/doubles/qdrant/server";

/** The file in the storage directory that holds every collection. */
export const STATE_FILE_NAME = "frostbyte-qdrant-double.json";

/** The collections saved in `storagePath`, or none when nothing was saved there yet. */
export async function loadCollections(storagePath: string): Promise<CollectionSnapshot[]> {
  let text: string;
  try {
    text = await readFile(join(storagePath, STATE_FILE_NAME), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${join(storagePath, STATE_FILE_NAME)}: expected a list of collections`);
  return parsed as CollectionSnapshot[];
}

/** Writes the collections atomically (a reader never sees half a file). */
export async function saveCollections(storagePath: string, collections: readonly CollectionSnapshot[]): Promise<void> {
  const file = join(storagePath, STATE_FILE_NAME);
  await writeFile(`${file}.next`, JSON.stringify(collections), { mode: 0o600 });
  await rename(`${file}.next`, file);
}

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Keeps only the entries that carry a value: a `null` in the rendered info is a default. */
function withoutNulls(value: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** The `PUT /collections/{name}` body that re-creates a collection from its rendered info. */
export function createBody(info: JsonObject): JsonObject {
  const config = isObject(info["config"]) ? info["config"] : {};
  const params = isObject(config["params"]) ? config["params"] : {};
  const body: JsonObject = {};
  for (const key of ["vectors", "shard_number", "sharding_method", "replication_factor", "write_consistency_factor", "on_disk_payload", "payload", "sparse_vectors"]) {
    const value = params[key];
    if (value !== undefined && value !== null) body[key] = value;
  }
  const parts: ReadonlyArray<readonly [string, string]> = [
    ["hnsw_config", "hnsw_config"],
    ["optimizer_config", "optimizers_config"],
    ["wal_config", "wal_config"],
  ];
  for (const [from, to] of parts) {
    const value = withoutNulls(config[from]);
    if (value !== undefined) body[to] = value;
  }
  for (const key of ["quantization_config", "strict_mode_config", "metadata"]) {
    const value = config[key];
    if (value !== undefined && value !== null) body[key] = value;
  }
  return body;
}

/** Each payload index of the rendered info as a `PUT /collections/{name}/index` body. */
export function indexBodies(info: JsonObject): JsonObject[] {
  const schema = isObject(info["payload_schema"]) ? info["payload_schema"] : {};
  return Object.entries(schema).flatMap(([field, entry]) => {
    if (!isObject(entry)) return [];
    const fieldSchema = entry["params"] ?? entry["data_type"] ?? null;
    return fieldSchema === null ? [] : [{ field_name: field, field_schema: fieldSchema }];
  });
}

/**
 * Puts the collections back into a running double at `url` with the admin key: each collection,
 * its points (in one request, waited for) and its payload indexes. Fails on the first refusal.
 */
export async function restoreCollections(url: string, apiKey: string, collections: readonly CollectionSnapshot[]): Promise<void> {
  const call = async (method: string, path: string, body: JsonValue) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`restoring ${method} ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  };
  for (const collection of collections) {
    const path = `/collections/${encodeURIComponent(collection.name)}`;
    await call("PUT", path, createBody(collection.info));
    if (collection.points.length > 0) {
      await call("PUT", `${path}/points?wait=true`, { points: collection.points.map((p) => ({ id: p.id, vector: p.vector, payload: p.payload })) });
    }
    for (const index of indexBodies(collection.info)) await call("PUT", `${path}/index?wait=true`, index);
  }
}
