/**
 * The portal's routing in Fastify's idioms: who may call a route is declared in its config and a
 * route without the declaration is refused; an undeclared method on a known path is 405 with Allow;
 * `GET /tenants` is one query whatever the number of tenants; the OpenAPI document states the rules
 * the API enforces and the content type of every answer. Real PostgreSQL; the tenant stacks are the
 * contract test's EngineFreeStacks test double (no route here runs an operation to its end).
 */
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createControlPlanePool, createToken, TenantRegistry } from "../../controlplane";
import { registerAccessControl, type ErrorBody, type Portal } from "../../portal";
import { EngineFreeStacks } from "../contract/support/engineFreeStacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { openPortalWithWorker, openTestPortal } from "../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let portal: Portal;
let admin: string;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  portal = await openPortalWithWorker(db.runtimeUrl, { pool: db.pool, stacks: new EngineFreeStacks() });
  admin = (await createToken(db.pool, { kind: "admin" })).token;
  for (const id of ["acme", "globex"]) await db.registry.createTenant(id, { actor: "test" });
});

afterAll(async () => {
  await portal?.close();
  await db?.close();
  await server?.stop();
});

const send = (method: string, url: string, token?: string, body?: unknown) =>
  portal.app.inject({
    method: method as "GET",
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as object }),
  });

describe("access declared in each route's config", () => {
  it("refuses to register a route that does not declare its action, or declares one the role table does not know", async () => {
    const app = Fastify();
    await registerAccessControl(app, db.pool);
    expect(() => app.get("/undeclared", async () => "ok")).toThrow('route GET /undeclared declares no config.access: "public" or the action it performs (domain/authority.ts)');
    // A list of roles (the declaration before the role table) is refused: the table decides roles.
    expect(() => app.get("/roles", { config: { access: ["admin"] as never } }, async () => "ok")).toThrow(
      'route GET /roles: config.access ["admin"] is neither "public" nor an action of domain/authority.ts',
    );
    app.get("/declared", { config: { access: "portal.metrics" } }, async () => "ok");
    await app.close();
  });

  it("enforces the declared roles before the request is validated", async () => {
    const acme = (await createToken(db.pool, { kind: "tenant", tenantId: "acme" })).token;
    // POST /tenants is admin only: a tenant token is refused even with a body the schema refuses.
    const refused = await send("POST", "/tenants", acme, { id: 42 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorBody>().message).toBe("this needs an admin token");
    expect((await send("GET", "/healthz")).statusCode).toBe(200);
    expect((await send("GET", "/openapi.json")).statusCode).toBe(200);
  });
});

describe("undeclared methods", () => {
  it("answer 405 with Allow on a known path, 404 on an unknown one, and need a token first", async () => {
    const trace = await send("TRACE", "/tenants", admin);
    expect(trace.statusCode).toBe(405);
    expect(trace.headers["allow"]).toBe("GET, HEAD, POST");
    expect(trace.json()).toEqual({ statusCode: 405, error: "Method Not Allowed", message: "/tenants does not answer TRACE; it answers GET, HEAD, POST" });
    const put = await send("PUT", "/tenants/acme/config", admin, {});
    expect(put.statusCode).toBe(405);
    expect(put.headers["allow"]).toBe("PATCH");
    expect((await send("POST", "/operations/00000000-0000-4000-8000-000000000000", admin)).headers["allow"]).toBe("GET, HEAD");
    // QUERY carries a body: it is answered before Fastify asks for the body's content type.
    expect((await send("QUERY", "/healthz", admin)).statusCode).toBe(405);
    expect((await send("GET", "/nowhere", admin)).statusCode).toBe(404);
    expect((await send("TRACE", "/tenants")).statusCode).toBe(401);
  });
});

describe("GET /tenants", () => {
  it("is one query for the list, whatever the number of tenants", async () => {
    const pool = createControlPlanePool(db.runtimeUrl, { max: 2 });
    const counted = await openTestPortal(db.runtimeUrl, { pool });
    try {
      const queries = vi.spyOn(pool, "query");
      const count = async (): Promise<number> => {
        queries.mockClear();
        const response = await counted.app.inject({ method: "GET", url: "/tenants", headers: { authorization: `Bearer ${admin}` } });
        expect(response.statusCode).toBe(200);
        return queries.mock.calls.length;
      };
      const before = await count();
      for (const id of ["initech", "hooli", "umbrella"]) await db.registry.createTenant(id, { actor: "test" });
      // The token lookup and the list, for 2 tenants as for 5.
      expect([before, await count()]).toEqual([2, 2]);
      const listed = (await counted.app.inject({ method: "GET", url: "/tenants?state=PENDING", headers: { authorization: `Bearer ${admin}` } })).json<{ tenants: unknown[] }>();
      expect(listed.tenants).toHaveLength((await new TenantRegistry(db.pool).listTenants({ state: "PENDING" })).length);
    } finally {
      await counted.close();
      await pool.end();
    }
  });
});

describe("a config patch", () => {
  it("refuses to remove a key the config does not know, naming it, beside the merged config's own problems", async () => {
    const unknown = await send("PATCH", "/tenants/acme/config", admin, { surprise: null, pii: { colour: null } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>().problems).toEqual([
      { path: "config.surprise", message: "unknown key" },
      { path: "config.pii.colour", message: "unknown key" },
    ]);
    const both = await send("PATCH", "/tenants/acme/config", admin, { surprise: null, retention_days: 0 });
    expect(both.json<ErrorBody>().problems?.map((p) => p.path)).toEqual(["config.retention_days", "config.surprise"]);
  });

  it("refuses what the registry cannot store: a NUL character, a config_version beyond its INT column", async () => {
    const nul = await send("POST", "/tenants", admin, { id: "nul-test", config: { embedding: { model: "a\u0000b" } } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json<ErrorBody>().problems).toEqual([{ path: "config.embedding.model", message: "must not contain the NUL character (U+0000)" }]);
    const version = await send("POST", "/tenants", admin, { id: "version-test", config: { config_version: 2 ** 31 } });
    expect(version.statusCode).toBe(400);
    expect(version.json<ErrorBody>().problems?.[0]?.path).toBe("config.config_version");
  });
});

describe("the OpenAPI document", () => {
  type Responses = Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  type Operation = { parameters?: { name: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Responses };
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    paths = (await send("GET", "/openapi.json")).json<{ paths: typeof paths }>().paths;
  });

  it("states the tenant id's rule (DESIGN §1) wherever an id is taken, and the tenant config's schema (§6)", () => {
    const rule = { type: "string", minLength: 3, maxLength: 30, pattern: "^(?!.*--)[a-z][a-z0-9-]*[a-z0-9]$" };
    expect(paths["/tenants/{id}"]?.["get"]?.parameters?.[0]?.schema).toMatchObject(rule);
    const create = paths["/tenants"]?.["post"]?.requestBody?.content["application/json"]?.schema as { properties: Record<string, Record<string, unknown>> };
    expect(create.properties["id"]).toMatchObject(rule);
    const config = create.properties["config"] as { additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
    expect(config.additionalProperties).toBe(false);
    expect(config.properties["retention_days"]).toMatchObject({ type: "integer", minimum: 1, maximum: 3650 });
    expect(config.properties["config_version"]).toMatchObject({ maximum: 2_147_483_647 });
    expect(JSON.stringify(paths)).not.toContain("x-documented-rule");
    // The patch: every key of the config, or null to reset it.
    const patch = paths["/tenants/{id}/config"]?.["patch"]?.requestBody?.content["application/json"]?.schema as { properties: Record<string, unknown> };
    expect(patch.properties["pii"]).toMatchObject({ anyOf: [{ type: "object" }, { type: "null" }] });
  });

  it("gives every answer its content type: errors are JSON on every route (metrics and the event stream too), with WWW-Authenticate on 401", () => {
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toHaveLength(1);
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(["application/json"]);
          if (status === "401") expect(Object.keys(response.headers ?? {})).toEqual(["WWW-Authenticate"]);
        }
        if (path !== "/healthz") expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403", "500"]));
      }
    }
    expect(Object.keys(paths["/metrics"]?.["get"]?.responses["200"]?.content ?? {})).toEqual(["text/plain"]);
    expect(Object.keys(paths["/operations/{id}/stream"]?.["get"]?.responses["200"]?.content ?? {})).toEqual(["text/event-stream"]);
    expect(Object.keys(paths["/tenants/{id}/suspend"]?.["post"]?.responses["202"]?.headers ?? {})).toEqual(["Location"]);
  });
});
