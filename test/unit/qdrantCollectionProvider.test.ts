import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCollection,
  deleteCollection,
  deleteTokenGrant,
  getCollection,
  mintCollectionToken,
  putTokenGrant,
  readTokenGrant,
  TOKEN_GRANTS_COLLECTION,
  tokenGrantPayload,
  tokenGrantPointId,
  type QdrantAdminSettings,
} from "../../components/qdrant";
import { startQdrantApiDouble, type QdrantApiDouble } from "../doubles/qdrant/server";

describe("Qdrant collection provider functions against the Qdrant API test double", () => {
  let qdrant: QdrantApiDouble;
  let admin: QdrantAdminSettings;

  beforeAll(async () => {
    qdrant = await startQdrantApiDouble({ apiKey: "admin-key-for-tests" });
    admin = { url: qdrant.url, apiKey: "admin-key-for-tests" };
  });
  afterAll(async () => qdrant?.close());

  const spec = { name: "tenant_acme", vectorSize: 768, distance: "Cosine" } as const;

  it("creates a 768-d Cosine collection and reads it back", async () => {
    await createCollection(admin, spec);
    expect(await getCollection(admin, "tenant_acme")).toEqual({ vectorSize: 768, distance: "Cosine", pointsCount: 0 });
    expect(await getCollection(admin, "tenant_missing")).toBeUndefined();
  });

  it("refuses to adopt a collection that already exists", async () => {
    await expect(createCollection(admin, spec)).rejects.toThrow('Qdrant collection "tenant_acme" already exists');
  });

  it("reports Qdrant's own reason when the API key is wrong, without the key", async () => {
    const error = await createCollection({ ...admin, apiKey: "wrong-key" }, { ...spec, name: "tenant_other" }).catch((e: Error) => e);
    expect(String(error)).not.toContain("wrong-key");
    expect(qdrant.requests().some((r) => r.path.startsWith("/collections/tenant_other") && r.status === 401)).toBe(true);
  });

  it("mints a token that reaches its own collection and is refused on another", async () => {
    await createCollection(admin, { ...spec, name: "tenant_globex" });
    await putTokenGrant(admin, tokenGrantPayload("acme", "initial", true));
    const token = await mintCollectionToken(admin.apiKey, "acme", "tenant_acme", "initial");
    const asTenant = new QdrantClient({ url: qdrant.url, apiKey: token, checkCompatibility: false });
    await asTenant.upsert("tenant_acme", { wait: true, points: [{ id: 1, vector: Array.from({ length: 768 }, (_, i) => (i % 7) / 7), payload: { doc: "a" } }] });
    expect((await asTenant.count("tenant_acme")).count).toBe(1);
    await expect(asTenant.count("tenant_globex")).rejects.toMatchObject({ status: 403 });
    await expect(asTenant.createCollection("tenant_new", { vectors: { size: 768, distance: "Cosine" } })).rejects.toMatchObject({ status: 403 });
    expect(await mintCollectionToken(admin.apiKey, "acme", "tenant_acme", "initial")).toBe(token);
    await expect(asTenant.count(TOKEN_GRANTS_COLLECTION)).rejects.toMatchObject({ status: 403 });
  });

  it("revokes the token through its grant point: suspended, resumed, rotated, deleted", async () => {
    const asTenant = (token: string) => new QdrantClient({ url: qdrant.url, apiKey: token, checkCompatibility: false });
    const initial = await mintCollectionToken(admin.apiKey, "acme", "tenant_acme", "initial");
    expect((await asTenant(initial).count("tenant_acme")).count).toBe(1);

    await putTokenGrant(admin, tokenGrantPayload("acme", "initial", false));
    expect(await readTokenGrant(admin, "acme")).toEqual({ tenant_id: "acme", rotation: "initial", status: "suspended" });
    await expect(asTenant(initial).count("tenant_acme")).rejects.toMatchObject({ status: 401 });

    await putTokenGrant(admin, tokenGrantPayload("acme", "initial", true));
    expect((await asTenant(initial).count("tenant_acme")).count).toBe(1);

    await putTokenGrant(admin, tokenGrantPayload("acme", "r2", true));
    const rotated = await mintCollectionToken(admin.apiKey, "acme", "tenant_acme", "r2");
    expect(rotated).not.toBe(initial);
    await expect(asTenant(initial).count("tenant_acme")).rejects.toMatchObject({ status: 401 });
    expect((await asTenant(rotated).count("tenant_acme")).count).toBe(1);

    await deleteTokenGrant(admin, "acme");
    expect(await readTokenGrant(admin, "acme")).toBeUndefined();
    await expect(asTenant(rotated).count("tenant_acme")).rejects.toMatchObject({ status: 401 });
    await deleteTokenGrant(admin, "acme");
  });

  it("keeps one grant point per tenant, with a stable UUID id, beside other tenants' grants", async () => {
    expect(tokenGrantPointId("acme")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tokenGrantPointId("acme")).toBe(tokenGrantPointId("acme"));
    expect(tokenGrantPointId("acme")).not.toBe(tokenGrantPointId("globex"));
    await Promise.all([putTokenGrant(admin, tokenGrantPayload("globex", "initial", true)), putTokenGrant(admin, tokenGrantPayload("initech", "initial", true))]);
    await putTokenGrant(admin, tokenGrantPayload("globex", "r7", true));
    const adminClient = new QdrantClient({ url: qdrant.url, apiKey: admin.apiKey, checkCompatibility: false });
    expect((await adminClient.count(TOKEN_GRANTS_COLLECTION, { exact: true })).count).toBe(2);
    expect(await readTokenGrant(admin, "globex")).toEqual({ tenant_id: "globex", rotation: "r7", status: "enabled" });
  });

  it("indexes the grants' tenant_id, and adds the index to a grants collection made without it", async () => {
    const adminClient = new QdrantClient({ url: qdrant.url, apiKey: admin.apiKey, checkCompatibility: false });
    expect((await adminClient.getCollection(TOKEN_GRANTS_COLLECTION)).payload_schema).toEqual({ tenant_id: { data_type: "keyword", points: 2 } });

    await adminClient.deletePayloadIndex(TOKEN_GRANTS_COLLECTION, "tenant_id", { wait: true });
    qdrant.clearRequests();
    await putTokenGrant(admin, tokenGrantPayload("globex", "r8", true));
    expect((await adminClient.getCollection(TOKEN_GRANTS_COLLECTION)).payload_schema).toEqual({ tenant_id: { data_type: "keyword", points: 2 } });
    await putTokenGrant(admin, tokenGrantPayload("globex", "r9", true));
    const indexWrites = qdrant.requests().filter((r) => r.method === "PUT" && r.path === `/collections/${TOKEN_GRANTS_COLLECTION}/index`);
    expect(indexWrites.map((r) => [r.status, r.body])).toEqual([[200, { field_name: "tenant_id", field_schema: "keyword" }]]);
  });

  it("deletes the collection", async () => {
    await deleteCollection(admin, "tenant_acme");
    expect(await getCollection(admin, "tenant_acme")).toBeUndefined();
  });
});
