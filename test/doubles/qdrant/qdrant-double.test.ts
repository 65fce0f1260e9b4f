import { QdrantClient } from "@qdrant/js-client-rest";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startQdrantApiDouble, type JsonValue, type QdrantApiDouble } from "./server";

const ADMIN = "admin-key-for-double-tests";
const DIM = 768;

/** A deterministic 768-d vector pointing mostly along axis `axis`. */
function vec(axis: number, dim = DIM): number[] {
  return Array.from({ length: dim }, (_, i) => (i === axis ? 1 : 0.01 * ((i % 5) + 1)));
}

async function mint(claims: Record<string, unknown>, secret = ADMIN, alg = "HS256"): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
  json: { result?: JsonValue; status?: JsonValue; time?: number } | undefined;
}

describe("Qdrant REST API test double", () => {
  let qdrant: QdrantApiDouble;
  let admin: QdrantClient;

  async function raw(method: string, path: string, opts: { key?: string; bearer?: string; body?: unknown } = {}): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (opts.key !== undefined) headers["api-key"] = opts.key;
    if (opts.bearer !== undefined) headers["authorization"] = `Bearer ${opts.bearer}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${qdrant.url}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await response.text();
    let json: RawResponse["json"];
    try {
      json = JSON.parse(text) as RawResponse["json"];
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get("content-type"), text, json };
  }

  const asClient = (apiKey: string): QdrantClient => new QdrantClient({ url: qdrant.url, apiKey, checkCompatibility: false });

  beforeAll(async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // "Api key is used with unsecure connection."
    qdrant = await startQdrantApiDouble({ apiKey: ADMIN });
    admin = asClient(ADMIN);
  });
  afterAll(async () => {
    await qdrant?.close();
    vi.restoreAllMocks();
  });
  afterEach(async () => {
    for (const { name } of qdrant.collections()) await raw("DELETE", `/collections/${name}`, { key: ADMIN });
    qdrant.clearRequests();
  });

  describe("service endpoints and listening address", () => {
    it("listens on 127.0.0.1 only", () => {
      expect(qdrant.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(qdrant.port).toBeGreaterThan(0);
    });

    it("answers GET / without credentials with Qdrant's VersionInfo, and the client's compatibility check passes", async () => {
      const root = await raw("GET", "/");
      expect(root.status).toBe(200);
      expect(root.json).toEqual({ title: "qdrant - vector search engine", version: "1.19.0", commit: expect.any(String) });
      expect(await admin.versionInfo()).toMatchObject({ version: "1.19.0" });

      const warn = vi.mocked(console.warn);
      warn.mockClear();
      qdrant.clearRequests();
      new QdrantClient({ url: qdrant.url, apiKey: ADMIN }); // checkCompatibility defaults to true: GET / in the background
      await vi.waitFor(() => expect(qdrant.requests().some((r) => r.method === "GET" && r.path === "/" && r.status === 200)).toBe(true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warn.mock.calls.flat().join(" ")).not.toMatch(/incompatible|Failed to obtain server version/);
    });

    it("serves the health probes without credentials, as plain text", async () => {
      for (const [path, text] of [["/healthz", "healthz check passed"], ["/livez", "healthz check passed"], ["/readyz", "all shards are ready"]]) {
        const r = await raw("GET", path as string);
        expect([r.status, r.text, r.contentType]).toEqual([200, text, "text/plain; charset=utf-8"]);
      }
    });
  });

  describe("api-key authentication", () => {
    it("refuses a request without credentials with Qdrant's bare-text 401", async () => {
      const r = await raw("GET", "/collections");
      expect([r.status, r.text, r.contentType]).toEqual([401, "Must provide an API key or an Authorization bearer token", null]);
    });

    it("refuses a wrong key with 401 'Invalid API key or JWT', through the real client too", async () => {
      const r = await raw("GET", "/collections", { key: "wrong-key" });
      expect([r.status, r.text]).toEqual([401, "Invalid API key or JWT"]);
      await expect(asClient("wrong-key").getCollections()).rejects.toMatchObject({ status: 401, data: "Invalid API key or JWT" });
      const last = qdrant.requests().at(-1);
      expect(last).toMatchObject({ method: "GET", path: "/collections", status: 401, auth: { kind: "rejected", status: 401 } });
    });

    it("accepts the admin key as `api-key` header and as `Authorization: Bearer`", async () => {
      expect((await raw("GET", "/collections", { key: ADMIN })).status).toBe(200);
      const bearer = await raw("GET", "/collections", { bearer: ADMIN });
      expect(bearer.status).toBe(200);
      expect(bearer.json).toMatchObject({ result: { collections: [] }, status: "ok", time: expect.any(Number) });
      expect(bearer.contentType).toBe("application/json");
    });
  });

  describe("collections", () => {
    it("creates, reads, checks, updates and deletes a 768-d Cosine collection with the real client", async () => {
      expect(await admin.createCollection("docs", { vectors: { size: DIM, distance: "Cosine" } })).toBe(true);
      expect(await admin.collectionExists("docs")).toEqual({ exists: true });
      expect(await admin.getCollections()).toEqual({ collections: [{ name: "docs" }] });

      const info = await admin.getCollection("docs");
      expect(info).toMatchObject({
        status: "green",
        optimizer_status: "ok",
        points_count: 0,
        indexed_vectors_count: 0,
        segments_count: expect.any(Number),
        payload_schema: {},
        config: {
          params: { vectors: { size: DIM, distance: "Cosine" }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
          hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
          optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, indexing_threshold: 10000, flush_interval_sec: 5 },
          wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0, wal_retain_closed: 1 },
          quantization_config: null,
        },
      });

      expect(await admin.updateCollection("docs", { optimizers_config: { indexing_threshold: 20000 }, hnsw_config: { m: 32 }, params: { replication_factor: 2 } })).toBe(true);
      const updated = await admin.getCollection("docs");
      expect(updated.config.optimizer_config.indexing_threshold).toBe(20000);
      expect(updated.config.hnsw_config.m).toBe(32);
      expect(updated.config.params.replication_factor).toBe(2);

      expect(await admin.deleteCollection("docs")).toBe(true);
      expect(await admin.deleteCollection("docs")).toBe(false); // Qdrant answers 200 with `false` for a missing collection
      expect(await admin.collectionExists("docs")).toEqual({ exists: false });
    });

    it("keeps a named-vector config", async () => {
      await admin.createCollection("multi", { vectors: { text: { size: 4, distance: "Dot" }, image: { size: 3, distance: "Euclid" } } });
      expect((await admin.getCollection("multi")).config.params.vectors).toEqual({
        image: { size: 3, distance: "Euclid" },
        text: { size: 4, distance: "Dot" },
      });
    });

    it("answers a duplicate create with 409 and a missing collection with 404, in Qdrant's error envelope", async () => {
      await admin.createCollection("dup", { vectors: { size: 4, distance: "Cosine" } });
      const dup = await raw("PUT", "/collections/dup", { key: ADMIN, body: { vectors: { size: 4, distance: "Cosine" } } });
      expect(dup.status).toBe(409);
      expect(dup.json).toEqual({ status: { error: "Wrong input: Collection `dup` already exists!" }, time: expect.any(Number) });
      await expect(admin.createCollection("dup", { vectors: { size: 4, distance: "Cosine" } })).rejects.toMatchObject({ status: 409 });

      const missing = await raw("GET", "/collections/nope", { key: ADMIN });
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ status: { error: "Not found: Collection `nope` doesn't exist!" }, time: expect.any(Number) });
      await expect(admin.getCollection("nope")).rejects.toMatchObject({ status: 404, data: { status: { error: "Not found: Collection `nope` doesn't exist!" } } });
      expect((await raw("PATCH", "/collections/nope", { key: ADMIN, body: { optimizers_config: {} } })).status).toBe(404);
    });

    it("validates vector size and distance like Qdrant (422 for the range, 400 for what does not deserialize)", async () => {
      const tooBig = await raw("PUT", "/collections/big", { key: ADMIN, body: { vectors: { size: 65537, distance: "Dot" } } });
      expect([tooBig.status, tooBig.json?.status]).toEqual([422, { error: "Validation error in JSON body: [vectors.size: value 65537 invalid, must be from 1 to 65536]" }]);
      const zero = await raw("PUT", "/collections/zero", { key: ADMIN, body: { vectors: { size: 0, distance: "Dot" } } });
      expect([zero.status, zero.json?.status]).toEqual([400, { error: "Format error in JSON body: data did not match any variant of untagged enum VectorsConfig" }]);
      const badDistance = await raw("PUT", "/collections/bad", { key: ADMIN, body: { vectors: { size: 4, distance: "Cosinus" } } });
      expect(badDistance.status).toBe(400);
      expect((await raw("PUT", "/collections/max", { key: ADMIN, body: { vectors: { size: 65536, distance: "Manhattan" } } })).status).toBe(200);
      const badName = await raw("PUT", "/collections/a:b", { key: ADMIN, body: { vectors: { size: 4, distance: "Dot" } } });
      expect([badName.status, badName.json?.status]).toEqual([422, { error: 'Validation error in path parameters: [collection_name: collection name cannot contain ":" char]' }]);
      const longest = "n".repeat(255);
      expect((await raw("PUT", `/collections/${longest}`, { key: ADMIN, body: { vectors: { size: 4, distance: "Dot" } } })).status).toBe(200);
      const tooLong = await raw("PUT", `/collections/${longest}x`, { key: ADMIN, body: { vectors: { size: 4, distance: "Dot" } } });
      expect([tooLong.status, tooLong.json?.status]).toEqual([
        422,
        { error: `Validation error in path parameters: [collection_name: value "${longest}x" invalid, must be from 1 to 255 characters]` },
      ]);
      expect(qdrant.collections().map((c) => c.name)).toEqual(["max", longest]);
    });
  });

  describe("points", () => {

    it("upserts, retrieves, scrolls, counts, queries and deletes points with the real client", async () => {
      await admin.createCollection("pts", { vectors: { size: DIM, distance: "Cosine" } });
      const up = await admin.upsert("pts", {
        wait: true,
        points: [
          { id: 1, vector: vec(0), payload: { tenant: "acme", n: 1 } },
          { id: 2, vector: vec(1), payload: { tenant: "acme", n: 2 } },
          { id: "5c56c793-69f3-4fbf-87e6-c4bf54c28c26", vector: vec(2), payload: { tenant: "globex", n: 3 } },
        ],
      });
      expect(up).toEqual({ operation_id: 0, status: "completed" });
      expect(await admin.count("pts")).toEqual({ count: 3 });
      expect((await admin.getCollection("pts")).points_count).toBe(3);

      const [one] = await admin.retrieve("pts", { ids: [1], with_vector: true });
      expect(one?.payload).toEqual({ tenant: "acme", n: 1 });
      const stored = one?.vector as number[];
      expect(Math.hypot(...stored)).toBeCloseTo(1, 6); // Cosine vectors are stored normalized, as Qdrant does

      const page = await admin.scroll("pts", { limit: 2 });
      expect(page.points.map((p) => p.id)).toEqual([1, 2]);
      expect(page.next_page_offset).toBe("5c56c793-69f3-4fbf-87e6-c4bf54c28c26");
      const rest = await admin.scroll("pts", { limit: 2, offset: page.next_page_offset ?? undefined });
      expect([rest.points.map((p) => p.id), rest.next_page_offset]).toEqual([["5c56c793-69f3-4fbf-87e6-c4bf54c28c26"], null]);
      const acme = await admin.scroll("pts", { filter: { must: [{ key: "tenant", match: { value: "acme" } }] } });
      expect(acme.points.map((p) => p.id)).toEqual([1, 2]);
      expect(await admin.count("pts", { filter: { must_not: [{ key: "tenant", match: { value: "acme" } }] } })).toEqual({ count: 1 });

      const hits = await admin.query("pts", { query: vec(1), limit: 2, with_payload: true });
      expect(hits.points.map((p) => p.id)).toEqual([2, expect.anything()]);
      expect(hits.points[0]).toMatchObject({ id: 2, version: 0, payload: { tenant: "acme", n: 2 } });
      expect(hits.points[0]?.score).toBeGreaterThan(hits.points[1]?.score ?? 1);

      const searched = await raw("POST", "/collections/pts/points/search", { key: ADMIN, body: { vector: vec(0), limit: 1 } });
      expect(searched.json?.result).toEqual([{ id: 1, version: 0, score: expect.any(Number) }]);

      expect(await admin.delete("pts", { wait: true, points: [1] })).toEqual({ operation_id: 1, status: "completed" });
      expect(await admin.delete("pts", { wait: true, filter: { must: [{ key: "tenant", match: { value: "globex" } }] } })).toMatchObject({ status: "completed" });
      expect(await admin.count("pts")).toEqual({ count: 1 });
      expect(qdrant.collections()[0]?.points.map((p) => p.id)).toEqual([2]);
    });

    it("refuses a vector of the wrong dimension with Qdrant's 400 text, for wait=true and wait=false, storing nothing", async () => {
      await admin.createCollection("dims", { vectors: { size: DIM, distance: "Cosine" } });
      const expected = { status: { error: "Wrong input: Vector dimension error: expected dim: 768, got 3" } };
      await expect(admin.upsert("dims", { wait: true, points: [{ id: 1, vector: [0.1, 0.2, 0.3] }] })).rejects.toMatchObject({ status: 400, data: expected });
      const noWait = await raw("PUT", "/collections/dims/points?wait=false", { key: ADMIN, body: { points: [{ id: 2, vector: [0.1, 0.2, 0.3] }] } });
      expect([noWait.status, noWait.json?.status]).toEqual([400, expected.status]);
      const batch = await raw("PUT", "/collections/dims/points", { key: ADMIN, body: { batch: { ids: [3, 4], vectors: [vec(0), [1, 2]] } } });
      expect(batch.status).toBe(400);
      expect(await admin.count("dims")).toEqual({ count: 0 });
      const query = await raw("POST", "/collections/dims/points/query", { key: ADMIN, body: { query: [1, 2, 3] } });
      expect([query.status, query.json?.status]).toEqual([400, expected.status]);
    });

    it("acknowledges wait=false writes and answers 404 for points of a missing collection", async () => {
      await admin.createCollection("acks", { vectors: { size: 4, distance: "Dot" } });
      const ack = await raw("PUT", "/collections/acks/points?wait=false", { key: ADMIN, body: { points: [{ id: 7, vector: [1, 2, 3, 4] }] } });
      expect(ack.json).toMatchObject({ result: { operation_id: 0, status: "acknowledged" }, status: "ok" });
      const missing = await raw("PUT", "/collections/ghost/points", { key: ADMIN, body: { points: [{ id: 1, vector: [1] }] } });
      expect([missing.status, missing.json?.status]).toEqual([404, { error: "Not found: Collection `ghost` doesn't exist!" }]);
    });
  });

  describe("payload indexes", () => {
    it("creates and drops a keyword index with the real client; payload_schema counts the points holding the field", async () => {
      await admin.createCollection("grants", { vectors: { size: 1, distance: "Dot" } });
      await admin.upsert("grants", { wait: true, points: [{ id: 1, vector: [1], payload: { tenant_id: "acme" } }, { id: 2, vector: [1], payload: {} }] });
      expect(await admin.createPayloadIndex("grants", { field_name: "tenant_id", field_schema: "keyword", wait: true })).toEqual({ operation_id: 1, status: "completed" });
      expect(await admin.createPayloadIndex("grants", { field_name: "rank", field_schema: { type: "integer", lookup: true, range: false } })).toEqual({ operation_id: 2, status: "acknowledged" });
      expect((await admin.getCollection("grants")).payload_schema).toEqual({
        tenant_id: { data_type: "keyword", points: 1 },
        rank: { data_type: "integer", params: { type: "integer", lookup: true, range: false }, points: 0 },
      });
      expect(await admin.deletePayloadIndex("grants", "rank", { wait: true })).toEqual({ operation_id: 3, status: "completed" });
      expect(await admin.deletePayloadIndex("grants", "never-indexed", { wait: true })).toEqual({ operation_id: 4, status: "completed" });
      expect(Object.keys((await admin.getCollection("grants")).payload_schema)).toEqual(["tenant_id"]);
    });

    it("answers a missing collection with 404, a missing schema with 400, an unknown type with a format error, as Qdrant does", async () => {
      expect(await raw("PUT", "/collections/nowhere/index", { key: ADMIN, body: { field_name: "a", field_schema: "keyword" } }).then((r) => [r.status, r.json?.status])).toEqual([
        404,
        { error: "Not found: Collection `nowhere` doesn't exist!" },
      ]);
      await admin.createCollection("grants", { vectors: { size: 1, distance: "Dot" } });
      expect(await raw("PUT", "/collections/grants/index", { key: ADMIN, body: { field_name: "a" } }).then((r) => [r.status, r.json?.status])).toEqual([
        400,
        { error: "Bad request: Can't auto-detect field type, please specify `field_schema` in the request" },
      ]);
      expect(await raw("PUT", "/collections/grants/index", { key: ADMIN, body: { field_name: "a", field_schema: "string" } }).then((r) => [r.status, r.json?.status])).toEqual([
        400,
        { error: "Format error in JSON body: data did not match any variant of untagged enum PayloadFieldSchema" },
      ]);
      expect(await raw("PUT", "/collections/grants/index", { key: ADMIN, body: { field_schema: "keyword" } }).then((r) => r.status)).toBe(400);
      expect((await admin.getCollection("grants")).payload_schema).toEqual({});
    });

    it("needs collection write access with extras: a points-only or read grant gets 403", async () => {
      await admin.createCollection("grants", { vectors: { size: 1, distance: "Dot" } });
      const pointsOnly = asClient(await mint({ access: [{ collection: "grants", access: "prw" }] }));
      await expect(pointsOnly.createPayloadIndex("grants", { field_name: "a", field_schema: "keyword" })).rejects.toMatchObject({
        status: 403,
        data: { status: { error: "Forbidden: Only points access is allowed for collection grants" } },
      });
      const reader = asClient(await mint({ access: [{ collection: "grants", access: "r" }] }));
      await expect(reader.deletePayloadIndex("grants", "a")).rejects.toMatchObject({ status: 403 });
      const writer = asClient(await mint({ access: [{ collection: "grants", access: "rw" }] }));
      expect((await writer.createPayloadIndex("grants", { field_name: "a", field_schema: "keyword", wait: true })).status).toBe("completed");
    });
  });

  describe("JWT RBAC (tokens signed with the admin key)", () => {

    async function twoCollections(): Promise<void> {
      for (const name of ["tenant_a", "tenant_b"]) {
        await admin.createCollection(name, { vectors: { size: 4, distance: "Cosine" } });
        await admin.upsert(name, { wait: true, points: [{ id: 1, vector: [1, 0, 0, 0], payload: { owner: name } }] });
      }
    }

    it("lets a token scoped to collection A use A and refuses B with 403", async () => {
      await twoCollections();
      const token = await mint({ access: [{ collection: "tenant_a", access: "rw" }] });
      const tenant = asClient(token);

      expect(await tenant.count("tenant_a")).toEqual({ count: 1 });
      expect((await tenant.getCollection("tenant_a")).points_count).toBe(1);
      await tenant.upsert("tenant_a", { wait: true, points: [{ id: 2, vector: [0, 1, 0, 0] }] });
      expect(await tenant.getCollections()).toEqual({ collections: [{ name: "tenant_a" }] });

      const forbidden = { status: { error: "Forbidden: Access to collection tenant_b is required" } };
      await expect(tenant.getCollection("tenant_b")).rejects.toMatchObject({ status: 403, data: forbidden });
      await expect(tenant.scroll("tenant_b")).rejects.toMatchObject({ status: 403 });
      await expect(tenant.upsert("tenant_b", { wait: true, points: [{ id: 9, vector: [0, 0, 1, 0] }] })).rejects.toMatchObject({ status: 403 });
      await expect(tenant.collectionExists("tenant_zzz")).rejects.toMatchObject({ status: 403 }); // access is checked before existence
      const global = { status: { error: "Forbidden: Global access is required" } };
      await expect(tenant.createCollection("tenant_c", { vectors: { size: 4, distance: "Cosine" } })).rejects.toMatchObject({ status: 403, data: global });
      await expect(tenant.deleteCollection("tenant_a")).rejects.toMatchObject({ status: 403, data: global });

      expect(qdrant.collections().find((c) => c.name === "tenant_b")?.points).toEqual([{ id: 1, vector: [1, 0, 0, 0], payload: { owner: "tenant_b" } }]);
      const jwtRequests = qdrant.requests().filter((r) => r.auth.kind === "jwt");
      expect(jwtRequests.some((r) => r.path === "/collections/tenant_b" && r.status === 403)).toBe(true);
      expect(jwtRequests[0]?.auth).toEqual({ kind: "jwt", access: { kind: "collections", list: [{ collection: "tenant_a", access: "rw" }] } });
    });

    it("refuses writes to a read-only collection grant and manage operations to a global read token", async () => {
      await twoCollections();
      const reader = asClient(await mint({ access: [{ collection: "tenant_a", access: "r" }] }));
      expect(await reader.count("tenant_a")).toEqual({ count: 1 });
      await expect(reader.upsert("tenant_a", { wait: true, points: [{ id: 3, vector: [1, 1, 0, 0] }] })).rejects.toMatchObject({
        status: 403,
        data: { status: { error: "Forbidden: Write access to collection tenant_a is required" } },
      });
      const globalReader = asClient(await mint({ access: "r" }));
      expect((await globalReader.getCollections()).collections).toHaveLength(2);
      await expect(globalReader.deleteCollection("tenant_b")).rejects.toMatchObject({
        status: 403,
        data: { status: { error: "Forbidden: Global manage access is required" } },
      });
      const manager = asClient(await mint({ access: "m" }));
      expect(await manager.deleteCollection("tenant_b")).toBe(true);
    });

    it("answers an expired token with 403 'ExpiredSignature' as Qdrant 1.19 does, honouring the 30 s leeway", async () => {
      await twoCollections();
      const now = Math.floor(Date.now() / 1000);
      const expired = await mint({ access: [{ collection: "tenant_a", access: "rw" }], exp: now - 120 });
      const r = await raw("GET", "/collections/tenant_a", { bearer: expired });
      expect([r.status, r.text]).toEqual([403, "ExpiredSignature"]);
      await expect(asClient(expired).count("tenant_a")).rejects.toMatchObject({ status: 403 });
      const withinLeeway = await mint({ access: [{ collection: "tenant_a", access: "rw" }], exp: now - 10 });
      expect((await raw("GET", "/collections/tenant_a", { bearer: withinLeeway })).status).toBe(200);
      const valid = await mint({ access: [{ collection: "tenant_a", access: "rw" }], exp: now + 3600 });
      expect((await raw("GET", "/collections/tenant_a", { key: valid })).status).toBe(200);
    });

    it("refuses tokens with a foreign signature (403), another algorithm or deprecated payload claims (401)", async () => {
      await twoCollections();
      const foreign = await mint({ access: "m" }, "some-other-secret");
      expect(await raw("GET", "/collections", { bearer: foreign }).then((r) => [r.status, r.text])).toEqual([403, "InvalidSignature"]);
      const hs512 = await mint({ access: "m" }, ADMIN, "HS512");
      expect(await raw("GET", "/collections", { bearer: hs512 }).then((r) => [r.status, r.text])).toEqual([401, "Invalid API key or JWT"]);
      const withPayload = await mint({ access: [{ collection: "tenant_a", access: "r", payload: { user: "1" } }] });
      expect((await raw("GET", "/collections/tenant_a", { bearer: withPayload })).status).toBe(401);
      const garbage = await mint({ access: "x" });
      expect((await raw("GET", "/collections", { bearer: garbage })).status).toBe(401);
    });

    it("supports the stateful `value_exists` claim", async () => {
      await twoCollections();
      const token = await mint({ value_exists: { collection: "tenant_b", matches: [{ key: "owner", value: "tenant_b" }] } });
      expect((await raw("GET", "/collections", { bearer: token })).status).toBe(200);
      const noMatch = await mint({ value_exists: { collection: "tenant_b", matches: [{ key: "owner", value: "nobody" }] } });
      expect(await raw("GET", "/collections", { bearer: noMatch }).then((r) => [r.status, r.text])).toEqual([401, "Invalid JWT, stateful validation failed"]);
      const missing = await mint({ value_exists: { collection: "gone", matches: [] } });
      expect((await raw("GET", "/collections", { bearer: missing })).status).toBe(403);
    });
  });

  describe("inspection handle", () => {
    it("records method, path, query, status, auth outcome and body of each request", async () => {
      qdrant.clearRequests();
      await admin.createCollection("logged", { vectors: { size: 4, distance: "Dot" } });
      await raw("GET", "/collections/logged?x=1");
      const log = qdrant.requests();
      expect(log).toEqual([
        { method: "PUT", path: "/collections/logged", query: "", status: 200, auth: { kind: "api-key" }, body: { vectors: { size: 4, distance: "Dot" } } },
        {
          method: "GET",
          path: "/collections/logged",
          query: "x=1",
          status: 401,
          auth: { kind: "rejected", status: 401, reason: "Must provide an API key or an Authorization bearer token" },
          body: undefined,
        },
      ]);
      expect(qdrant.collections()).toEqual([{ name: "logged", info: expect.objectContaining({ points_count: 0 }), points: [] }]);
    });

    it("normalizes trailing slashes and answers unknown routes with an empty 404", async () => {
      expect((await raw("GET", "/collections/", { key: ADMIN })).status).toBe(200);
      const unknown = await raw("GET", "/no/such/route", { key: ADMIN });
      expect([unknown.status, unknown.text]).toEqual([404, ""]);
    });
  });
});
