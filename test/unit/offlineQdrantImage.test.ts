// The Qdrant test image keeps the API double's collections on its volume (images/qdrant/): what a
// client created must come back, unchanged, in a new double started from the saved file, or the
// offline e2e's "second up adopts the volumes with their data intact" would prove nothing for Qdrant.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBody, indexBodies, loadCollections, restoreCollections, saveCollections } from "../../images/qdrant/persistence";
import { startQdrantApiDouble, type QdrantApiDouble } from "../doubles/qdrant/server";

describe("the Qdrant test image's persistence", () => {
  let dir: string;
  const doubles: QdrantApiDouble[] = [];
  const start = async () => {
    const double = await startQdrantApiDouble({ apiKey: "admin-key" });
    doubles.push(double);
    return double;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "frostbyte-qdrant-image-"));
  });
  afterAll(async () => {
    await Promise.all(doubles.map((d) => d.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("loads nothing from an empty storage directory", async () => {
    expect(await loadCollections(dir)).toEqual([]);
  });

  it("brings back collections, their configuration, points and payload indexes exactly", async () => {
    const first = await start();
    const client = new QdrantClient({ url: first.url, apiKey: "admin-key", checkCompatibility: false });
    await client.createCollection("tenant_acme", { vectors: { size: 3, distance: "Cosine" }, hnsw_config: { m: 32 }, optimizers_config: { indexing_threshold: 5000 } });
    await client.upsert("tenant_acme", { wait: true, points: [{ id: 1, vector: [1, 2, 3], payload: { doc: "a", tags: ["x"] } }, { id: "8b9c0f0e-5d1e-4a0c-9a59-2f1b1f4b7c11", vector: [0, 1, 0], payload: {} }] });
    await client.createPayloadIndex("tenant_acme", { field_name: "doc", field_schema: "keyword", wait: true });
    await client.createCollection("named", { vectors: { text: { size: 2, distance: "Dot" }, image: { size: 4, distance: "Euclid" } } });
    await client.createPayloadIndex("named", { field_name: "n", field_schema: { type: "integer", lookup: true, range: false }, wait: true });

    await saveCollections(dir, first.collections());
    expect(await readdir(dir)).toEqual(["frostbyte-qdrant-double.json"]);

    const second = await start();
    await restoreCollections(second.url, "admin-key", await loadCollections(dir));
    expect(second.collections()).toEqual(first.collections());
  });

  it("re-creates a collection from its rendered info without the defaults' nulls", () => {
    const info = {
      config: {
        params: { vectors: { size: 3, distance: "Cosine" }, shard_number: 1, on_disk_payload: true },
        hnsw_config: { m: 16 },
        optimizer_config: { deleted_threshold: 0.2, max_segment_size: null },
        wal_config: { wal_capacity_mb: 32 },
        quantization_config: null,
      },
      payload_schema: { doc: { data_type: "keyword", points: 1 }, n: { data_type: "integer", params: { type: "integer", lookup: true }, points: 0 } },
    };
    expect(createBody(info)).toEqual({
      vectors: { size: 3, distance: "Cosine" },
      shard_number: 1,
      on_disk_payload: true,
      hnsw_config: { m: 16 },
      optimizers_config: { deleted_threshold: 0.2 },
      wal_config: { wal_capacity_mb: 32 },
    });
    expect(indexBodies(info)).toEqual([
      { field_name: "doc", field_schema: "keyword" },
      { field_name: "n", field_schema: { type: "integer", lookup: true } },
    ]);
  });

  it("refuses a storage file that is not a list of collections, naming it", async () => {
    const other = await mkdtemp(join(tmpdir(), "frostbyte-qdrant-image-"));
    try {
      await saveCollections(other, []);
      await writeFile(join(other, "frostbyte-qdrant-double.json"), "{}");
      await expect(loadCollections(other)).rejects.toThrow(/frostbyte-qdrant-double\.json: expected a list of collections/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
