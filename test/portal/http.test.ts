/**
 * The portal's HTTP contract: authentication and tenant scoping, 400 answers naming the failing
 * path, 404 and 409, health, metrics and the OpenAPI document. Real PostgreSQL, real engine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlPlanePool, createToken, revokeToken, TenantRegistry } from "../../controlplane";
import { buildPortalApp, PortalMetrics, ProgressFeed, TenantOperations, type ErrorBody } from "../../portal";
import { openJobQueue } from "../../controlplane";
import type { OperationView } from "../../portal/schemas/operations";
import { startPortalHarness, type PortalHarness } from "./support/harness";

let h: PortalHarness;
let acmeToken: string;

beforeAll(async () => {
  h = await startPortalHarness();
  await h.db.registry.createTenant("acme", { actor: "test" });
  await h.db.registry.createTenant("globex", { actor: "test" });
  acmeToken = await h.tenantToken("acme");
});

afterAll(async () => {
  await h?.close();
});

const problemsOf = (body: unknown) => (body as ErrorBody).problems ?? [];

describe("authentication (401) and tenant scope (403)", () => {
  it("refuses a request without a token, with a malformed header, an unknown or a revoked token", async () => {
    const missing = await h.send("GET", "/tenants");
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="frostbyte"');
    expect(missing.json()).toMatchObject({ statusCode: 401, error: "Unauthorized", message: expect.stringContaining("no bearer token") });
    expect((await h.send("GET", "/tenants", { headers: { authorization: "Basic YTpi" } })).statusCode).toBe(401);
    expect((await h.send("GET", "/tenants", { token: `fbt_${"x".repeat(43)}` })).json()).toMatchObject({ statusCode: 401, message: "unknown or revoked token" });
    const revoked = await createToken(h.db.pool, { kind: "admin" });
    expect((await h.send("GET", "/tenants", { token: revoked.token })).statusCode).toBe(200);
    await revokeToken(h.db.pool, revoked.record.tokenId);
    expect((await h.send("GET", "/tenants", { token: revoked.token })).statusCode).toBe(401);
    // Authentication comes first: a bad body without a token learns nothing about the body.
    expect((await h.send("POST", "/tenants", { body: { id: "Bad" } })).statusCode).toBe(401);
  });

  it("limits a tenant token to its own tenant and keeps it out of the admin routes", async () => {
    expect((await h.send("GET", "/tenants/acme", { token: acmeToken })).json()).toMatchObject({ tenantId: "acme", state: "PENDING" });
    const other = await h.send("GET", "/tenants/globex", { token: acmeToken });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ message: 'this token belongs to tenant "acme" and may not reach tenant "globex"' });
    // 403 whether or not the other tenant exists: a tenant token cannot probe for tenants.
    expect((await h.send("GET", "/tenants/initech", { token: acmeToken })).statusCode).toBe(403);
    for (const [method, url] of [
      ["POST", "/tenants/globex/suspend"],
      ["DELETE", "/tenants/globex"],
      ["PATCH", "/tenants/globex/config"],
      ["GET", "/tenants/globex/events"],
    ] as const) {
      expect((await h.send(method, url, { token: acmeToken, body: {} })).statusCode, `${method} ${url}`).toBe(403);
    }
    const create = await h.send("POST", "/tenants", { token: acmeToken, body: { id: "initech" } });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toMatchObject({ message: "this needs an admin token" });
    expect((await h.send("GET", "/metrics", { token: acmeToken })).statusCode).toBe(403);
    const list = await h.send("GET", "/tenants", { token: acmeToken });
    expect(list.json<{ tenants: { tenantId: string }[] }>().tenants.map((t) => t.tenantId)).toEqual(["acme"]);
    const adminList = await h.send("GET", "/tenants", { token: h.adminToken });
    expect(adminList.json<{ tenants: { tenantId: string }[] }>().tenants.map((t) => t.tenantId)).toEqual(expect.arrayContaining(["acme", "globex"]));
  });
});

describe("bad requests (400) name the failing path", () => {
  it("a bad tenant id in the body, with the rule of DESIGN §1", async () => {
    const response = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: "Acme_Corp" } });
    expect(response.statusCode).toBe(400);
    expect(problemsOf(response.json())).toEqual([{ path: "id", message: expect.stringMatching(/^tenant id "Acme_Corp": must match \^\[a-z\]/) }]);
  });

  it("a bad config names each path, with the project's own messages, together with a bad id", async () => {
    const response = await h.send("POST", "/tenants", {
      token: h.adminToken,
      body: { id: "a", config: { pii: { mode: "shred" }, retention_days: 0, surprise: true, network: { ssh_cidrs: ["0.0.0.0/0"] } } },
    });
    expect(response.statusCode).toBe(400);
    const paths = problemsOf(response.json()).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["id", "config.pii.mode", "config.retention_days", "config.surprise", "config.network.ssh_cidrs[0]"]));
    expect(problemsOf(response.json())).toContainEqual({ path: "config.surprise", message: "unknown key" });
    expect(response.json<ErrorBody>().message).toContain("config.pii.mode:");
    // Nothing was touched.
    expect((await h.send("GET", "/tenants/initech", { token: h.adminToken })).statusCode).toBe(404);
  });

  it("schema errors name the JSON path: a missing id, a wrong type, an unknown top-level key, a bad query or params", async () => {
    const missing = await h.send("POST", "/tenants", { token: h.adminToken, body: { config: {} } });
    expect(missing.statusCode).toBe(400);
    expect(problemsOf(missing.json())).toContainEqual({ path: "body.id", message: "is required" });
    const wrongType = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: 42, config: [] } });
    expect(problemsOf(wrongType.json()).map((p) => p.path)).toEqual(expect.arrayContaining(["body.id", "body.config"]));
    const extra = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: "initech", suspended: true } });
    expect(problemsOf(extra.json())).toContainEqual({ path: "body.suspended", message: "unknown key" });
    const query = await h.send("GET", "/tenants?state=SLEEPING", { token: h.adminToken });
    expect(query.statusCode).toBe(400);
    expect(problemsOf(query.json())[0]?.path).toBe("query.state");
    const operation = await h.send("GET", "/operations/not-a-uuid", { token: h.adminToken });
    expect(problemsOf(operation.json())[0]?.path).toBe("params.id");
    const id = await h.send("GET", "/tenants/Acme", { token: h.adminToken });
    expect(id.statusCode).toBe(400);
    expect(problemsOf(id.json())).toEqual([{ path: "params.id", message: expect.stringContaining('tenant id "Acme"') }]);
    const notJson = await h.send("POST", "/tenants", { token: h.adminToken, body: "{", headers: { "content-type": "application/json" } });
    expect(notJson.statusCode).toBe(400);
  });

  it("a config patch that breaks the merged config names its path", async () => {
    const response = await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: { pii: { mode: "shred" } } });
    expect(response.statusCode).toBe(400);
    expect(problemsOf(response.json())).toEqual([{ path: "config.pii.mode", message: expect.stringContaining("redact") }]);
  });
});

describe("not found (404) and conflicts (409)", () => {
  it("an unknown tenant or operation, and an unknown route", async () => {
    expect((await h.send("GET", "/tenants/initech", { token: h.adminToken })).json()).toMatchObject({ statusCode: 404, message: 'tenant "initech" is not in the registry' });
    for (const [method, url] of [
      ["POST", "/tenants/initech/suspend"],
      ["DELETE", "/tenants/initech"],
      ["PATCH", "/tenants/initech/config"],
      ["GET", "/tenants/initech/events"],
      ["GET", "/operations/00000000-0000-4000-8000-000000000000"],
      ["GET", "/operations/00000000-0000-4000-8000-000000000000/stream"],
      ["GET", "/nowhere"],
    ] as const) {
      expect((await h.send(method, url, { token: h.adminToken, body: {} })).statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it("an operation the tenant's state does not allow", async () => {
    const response = await h.send("POST", "/tenants/acme/resume", { token: h.adminToken });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ message: 'tenant "acme" is PENDING; resume needs SUSPENDED' });
    // A rotation needs ACTIVE, and a refused one records no new token.
    const rotate = await h.send("POST", "/tenants/acme/rotate", { token: h.adminToken });
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json()).toMatchObject({ message: 'tenant "acme" is PENDING; rotate needs ACTIVE' });
    expect((await h.db.registry.getTenant("acme")).credentialRotation).toBe("initial");
  });

  it("the same tenant created twice at once: one 202, one 409, one tenant, one operation", async () => {
    const [a, b] = await Promise.all([
      h.send("POST", "/tenants", { token: h.adminToken, body: { id: "hooli", config: { pii: { mode: "flag" } } } }),
      h.send("POST", "/tenants", { token: h.adminToken, body: { id: "hooli", config: { pii: { mode: "flag" } } } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    const accepted = (a.statusCode === 202 ? a : b).json<OperationView>();
    expect(accepted).toMatchObject({ tenantId: "hooli", kind: "provision", state: "queued", actor: expect.stringMatching(/^portal:admin-token:/) });
    expect((a.statusCode === 202 ? a : b).headers["location"]).toBe(`/operations/${accepted.operationId}`);
    // While it runs, every other operation on the tenant is refused too.
    const busy = await h.send("POST", "/tenants/hooli/preview", { token: h.adminToken });
    expect(busy.statusCode).toBe(409);
    expect((await h.send("GET", "/tenants/hooli", { token: h.adminToken })).json()).toMatchObject({ activeOperationId: accepted.operationId });
    expect((await h.finished(accepted.operationId)).state).toBe("failed");
    const again = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: "hooli" } });
    expect(again.json()).toMatchObject({ statusCode: 409, message: 'tenant "hooli" is already in the registry' });
    const rows = await h.db.pool.query("SELECT count(*)::int AS n FROM operations WHERE tenant_id = 'hooli'");
    expect(rows.rows[0]).toEqual({ n: 1 });
  });
});

describe("health, metrics, OpenAPI", () => {
  it("healthz answers without a token and checks the control plane with a query", async () => {
    const ok = await h.send("GET", "/healthz");
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: "ok", controlPlane: { ok: true } });
    // A portal whose pool cannot reach the database answers 503, without the database's words.
    const pool = createControlPlanePool(h.db.runtimeUrl, { max: 1 });
    await pool.end();
    const registry = new TenantRegistry(pool);
    const queue = await openJobQueue(h.db.runtimeUrl, { kind: "producer" });
    const feed = await ProgressFeed.open(h.db.runtimeUrl);
    const app = await buildPortalApp({ pool, registry, operations: new TenantOperations(pool, registry, queue), feed, metrics: new PortalMetrics(pool) });
    try {
      const unavailable = await app.inject({ method: "GET", url: "/healthz" });
      expect(unavailable.statusCode).toBe(503);
      expect(unavailable.json()).toEqual({ status: "unavailable", controlPlane: { ok: false, error: "the control-plane database did not answer" } });
    } finally {
      await app.close();
      await feed.close();
      await queue.stop({ graceful: false });
    }
  });

  it("metrics are Prometheus text: operations by kind and state, from the control plane, and the live workers", async () => {
    const response = await h.send("GET", "/metrics", { token: h.adminToken });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = response.body;
    expect(text).toContain("# HELP frostbyte_operations ");
    expect(text).toContain("# TYPE frostbyte_operations gauge");
    const failedProvisions = (await h.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM operations WHERE kind = 'provision' AND state = 'failed'")).rows[0]?.n;
    expect(failedProvisions).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`frostbyte_operations{kind="provision",state="failed"} ${failedProvisions}`);
    expect(text).toContain('frostbyte_operations{kind="deprovision",state="succeeded"} 0');
    expect(text).toContain('frostbyte_operations{kind="provision",state="running"} 0');
    // The harness's worker beats.
    expect(text).toMatch(/^frostbyte_workers_live [1-9]\d*$/m);
    // Every sample line is `name{labels} value`.
    for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+$/);
    }
  });

  it("serves an OpenAPI 3.1 document describing every route, its schemas and the bearer scheme", async () => {
    const response = await h.send("GET", "/openapi.json");
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters?: { name: string; in: string }[]; security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Frostbyte portal", version: "1.0.0" });
    expect(doc.components.securitySchemes["bearer"]).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        "POST /tenants",
        "GET /tenants",
        "GET /tenants/{id}",
        "DELETE /tenants/{id}",
        "PATCH /tenants/{id}/config",
        "POST /tenants/{id}/preview",
        "POST /tenants/{id}/suspend",
        "POST /tenants/{id}/resume",
        "POST /tenants/{id}/rotate",
        "GET /tenants/{id}/events",
        // The console's read routes (portal/console/reads.ts).
        "GET /me",
        "GET /tenants/{id}/operations",
        "GET /tenants/{id}/audit",
        "GET /operations/{id}",
        "GET /operations/{id}/stream",
        "GET /healthz",
        "GET /metrics",
      ].sort(),
    );
    for (const [route, operation] of Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, o]) => [`${m} ${path}`, o] as const))) {
      expect(Object.keys(operation.responses).length, route).toBeGreaterThan(0);
      if (route !== "get /healthz") expect(operation.security, route).toEqual([{ bearer: [] }]);
      if (route.includes("{id}")) expect(operation.parameters, route).toContainEqual(expect.objectContaining({ name: "id", in: "path" }));
    }
    expect(doc.paths["/tenants"]?.["post"]?.requestBody).toMatchObject({ content: { "application/json": { schema: { required: ["id"] } } } });
    expect(Object.keys(doc.paths["/tenants"]?.["post"]?.responses ?? {}).sort()).toEqual(["202", "400", "401", "403", "409", "413", "415", "429", "500", "503"]);
    expect(JSON.stringify(doc)).not.toContain("~kind");
  });
});
