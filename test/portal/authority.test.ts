/**
 * The role table (domain/authority.ts) enforced route by route and role by role: every route of the
 * portal's OpenAPI document is called by an admin, an auditor, a tenant token on its own tenant and
 * on another tenant, with no token, a revoked and an expired token, and answers what the table says.
 * Each call gets fresh tenants in the state its route needs, so an allowed change never stands in
 * another call's way. Then the config patch's field-level rule: a tenant changes its data policy,
 * and a patch touching an operator's key is refused naming the keys. Real PostgreSQL; the tenant
 * stacks are the contract test's EngineFreeStacks test double (operations fail at once).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, insertOperation, markFailed, revokeToken } from "../../controlplane";
import { DATA_POLICY_KEYS, OPERATOR_CONFIG_KEYS, type TenantState } from "../../domain";
import type { ErrorBody, Portal } from "../../portal";
import { EngineFreeStacks } from "../contract/support/engineFreeStacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { openPortalWithWorker } from "../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

/** Who calls: a role's token (a tenant token on its own or on another tenant), or no usable token. */
const CALLERS = ["admin", "auditor", "own", "other", "none", "revoked", "expired"] as const;
type Caller = (typeof CALLERS)[number];

/** The README's role table, as the status each documented route answers a caller with a usable token. */
const EXPECTED: Readonly<Record<string, Readonly<Record<"admin" | "auditor" | "own" | "other", number>>>> = {
  "POST /tenants": { admin: 202, auditor: 403, own: 403, other: 403 },
  "GET /tenants": { admin: 200, auditor: 200, own: 200, other: 200 },
  "GET /tenants/{id}": { admin: 200, auditor: 200, own: 200, other: 403 },
  "PATCH /tenants/{id}/config": { admin: 202, auditor: 403, own: 202, other: 403 },
  "POST /tenants/{id}/rotate": { admin: 202, auditor: 403, own: 202, other: 403 },
  "POST /tenants/{id}/preview": { admin: 202, auditor: 403, own: 403, other: 403 },
  "POST /tenants/{id}/suspend": { admin: 202, auditor: 403, own: 403, other: 403 },
  "POST /tenants/{id}/resume": { admin: 202, auditor: 403, own: 403, other: 403 },
  "DELETE /tenants/{id}": { admin: 202, auditor: 403, own: 403, other: 403 },
  "GET /tenants/{id}/events": { admin: 200, auditor: 200, own: 200, other: 403 },
  "GET /tenants/{id}/audit": { admin: 200, auditor: 200, own: 200, other: 403 },
  "GET /tenants/{id}/operations": { admin: 200, auditor: 200, own: 200, other: 403 },
  "GET /operations/{id}": { admin: 200, auditor: 200, own: 200, other: 403 },
  "GET /operations/{id}/stream": { admin: 200, auditor: 200, own: 200, other: 403 },
  "GET /me": { admin: 200, auditor: 200, own: 200, other: 200 },
  "GET /metrics": { admin: 200, auditor: 403, own: 403, other: 403 },
  "GET /healthz": { admin: 200, auditor: 200, own: 200, other: 200 },
};
/** Routes anyone may call: the caller without a usable token gets the same answer. */
const PUBLIC = new Set(["GET /healthz"]);

/** The state a route's tenant must be in for an allowed call to be accepted. */
const STATE_FOR: Readonly<Record<string, TenantState>> = { "POST /tenants/{id}/resume": "SUSPENDED" };
const PATH_TO: Readonly<Record<TenantState, readonly TenantState[]>> = {
  PENDING: [],
  PROVISIONING: ["PROVISIONING"],
  ACTIVE: ["PROVISIONING", "ACTIVE"],
  SUSPENDED: ["PROVISIONING", "ACTIVE", "SUSPENDED"],
  FAILED: ["PROVISIONING", "FAILED"],
  DEPROVISIONING: ["PROVISIONING", "ACTIVE", "DEPROVISIONING"],
  DEPROVISIONED: ["DEPROVISIONED"],
};

let server: PostgresServer;
let db: ControlPlaneDatabase;
let portal: Portal;
const tokens: Partial<Record<"admin" | "auditor" | "revoked" | "expired", string>> = {};
let documented: string[];
let serial = 0;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  // Failed authentications are many here (every route, twice): their limit is tested in tokens.test.ts.
  portal = await openPortalWithWorker(db.runtimeUrl, { pool: db.pool, stacks: new EngineFreeStacks(), access: { authFailures: { maxFailures: 10_000, windowSeconds: 60 }, streamTokenCheckSeconds: 5 } });
  tokens.admin = (await createToken(db.pool, { kind: "admin" })).token;
  tokens.auditor = (await createToken(db.pool, { kind: "auditor" })).token;
  const revoked = await createToken(db.pool, { kind: "admin" });
  await revokeToken(db.pool, revoked.record.tokenId);
  tokens.revoked = revoked.token;
  tokens.expired = (await createToken(db.pool, { kind: "admin" }, { ttlSeconds: 1 })).token;
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const doc = (await portal.app.inject({ method: "GET", url: "/openapi.json" })).json<{ paths: Record<string, Record<string, unknown>> }>();
  documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
});

afterAll(async () => {
  await portal?.close();
  await db?.close();
  await server?.stop();
});

/** A fresh tenant in `state`. */
async function tenantIn(state: TenantState): Promise<string> {
  serial += 1;
  const id = `t${serial}-${state.toLowerCase().slice(0, 4)}`;
  await db.registry.createTenant(id, { actor: "test" });
  for (const next of PATH_TO[state]) await db.registry.transition(id, next, { actor: "test" });
  return id;
}

/** A finished operation of the tenant. */
async function operationOf(tenantId: string): Promise<string> {
  const operation = await insertOperation(db.pool, { tenantId, kind: "preview", actor: "test" });
  await markFailed(db.pool, operation.operationId, "test: a finished operation to read");
  return operation.operationId;
}

/** Waits until the operation has ended. */
async function finished(operationId: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    const response = await portal.app.inject({ method: "GET", url: `/operations/${operationId}`, headers: { authorization: `Bearer ${tokens.admin ?? ""}` } });
    if (["succeeded", "failed"].includes(response.json<{ state: string }>().state)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`operation ${operationId} did not end within 10 s`);
}

/** The request a case sends: the route with its tenant (or operation) filled in, and a body that its callers may send. */
async function requestFor(route: string): Promise<{ method: string; url: string; body?: unknown; target: string }> {
  const [method = "", path = ""] = route.split(" ");
  const target = await tenantIn(STATE_FOR[route] ?? "ACTIVE");
  if (path === "/tenants" && method === "POST") {
    serial += 1;
    return { method, url: path, body: { id: `new-${serial}` }, target };
  }
  const id = path.startsWith("/operations/") ? await operationOf(target) : target;
  const body = method === "PATCH" ? { retention_days: 30, pii: { mode: "block" } } : undefined;
  return { method, url: path.replace("{id}", id), ...(body ? { body } : {}), target };
}

async function tokenOf(caller: Caller, target: string): Promise<string | undefined> {
  if (caller === "none") return undefined;
  if (caller === "own") return (await createToken(db.pool, { kind: "tenant", tenantId: target })).token;
  if (caller === "other") return (await createToken(db.pool, { kind: "tenant", tenantId: await tenantIn("ACTIVE") })).token;
  return tokens[caller];
}

function expectedStatus(route: string, caller: Caller): number {
  const row = EXPECTED[route];
  if (row === undefined) throw new Error(`${route} is documented but has no row in the role table of this test`);
  if (caller === "none" || caller === "revoked" || caller === "expired") return PUBLIC.has(route) ? row.admin : 401;
  return row[caller];
}

describe("every documented route, by every caller, answers what the role table says", () => {
  it("documents exactly the routes of the table", () => {
    expect(documented.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = Object.keys(EXPECTED).flatMap((route) => CALLERS.map((caller) => [route, caller] as const));
  it.each(cases)("%s by %s", async (route, caller) => {
    const request = await requestFor(route);
    const token = await tokenOf(caller, request.target);
    const response = await portal.app.inject({
      method: request.method as "GET",
      url: request.url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(request.body === undefined ? {} : { payload: request.body as object }),
    });
    const expected = expectedStatus(route, caller);
    expect(response.statusCode, `${route} by ${caller}: ${response.body.slice(0, 300)}`).toBe(expected);
    if (expected === 401) expect(response.headers["www-authenticate"]).toBe('Bearer realm="frostbyte"');
    if (caller === "expired" && expected === 401) expect(response.json<ErrorBody>().message).toMatch(/^this token expired at \d{4}-/);
    if (expected === 403) {
      expect(response.json<ErrorBody>().message).toMatch(/^(this needs an? [a-z, ]+ token|this token belongs to tenant "[^"]+" and may not reach tenant "[^"]+")$/);
    }
  });

  it("the public pages and the OpenAPI document need no token", async () => {
    for (const url of ["/openapi.json", "/healthz"]) expect((await portal.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    // The console's page is public too (503 while the console is not built).
    expect([200, 503]).toContain((await portal.app.inject({ method: "GET", url: "/" })).statusCode);
  });
});

describe("reads by role", () => {
  it("an auditor lists every tenant, a tenant token only its own; /me says who is asking", async () => {
    const own = await tenantIn("ACTIVE");
    const other = await tenantIn("PENDING");
    const tenantToken = (await createToken(db.pool, { kind: "tenant", tenantId: own })).token;
    const list = async (token: string | undefined) =>
      (await portal.app.inject({ method: "GET", url: "/tenants", headers: { authorization: `Bearer ${token ?? ""}` } })).json<{ tenants: { tenantId: string }[] }>().tenants.map((t) => t.tenantId);
    expect(await list(tokens.auditor)).toEqual(expect.arrayContaining([own, other]));
    expect(await list(tenantToken)).toEqual([own]);
    const me = await portal.app.inject({ method: "GET", url: "/me", headers: { authorization: `Bearer ${tokens.auditor ?? ""}` } });
    expect(me.json()).toMatchObject({ role: "auditor", tenantId: null });
  });
});

describe("a tenant's config patch: its data policy only", () => {
  const patch = async (id: string, token: string, body: unknown) =>
    portal.app.inject({ method: "PATCH", url: `/tenants/${id}/config`, headers: { authorization: `Bearer ${token}` }, payload: body as object });

  it("refuses a tenant's patch that touches an operator's key, naming every such key, and changes nothing", async () => {
    const id = await tenantIn("ACTIVE");
    const token = (await createToken(db.pool, { kind: "tenant", tenantId: id })).token;
    const response = await patch(id, token, { pii: { mode: "flag" }, quotas: { storage_gb: 5000 }, server: { type: "cx52" }, network: null });
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorBody>().message).toBe(
      `a tenant token may not change network, quotas, server: only operators do; it may change ${DATA_POLICY_KEYS.join(", ")}`,
    );
    const tenant = await db.registry.getTenant(id);
    expect(tenant.configVersion).toBe(1);
    expect(tenant.config["pii"]).toEqual({ mode: "redact" });
  });

  it.each(OPERATOR_CONFIG_KEYS)("refuses a tenant's patch of %s, even when it only resets it (null)", async (key) => {
    const id = await tenantIn("ACTIVE");
    const token = (await createToken(db.pool, { kind: "tenant", tenantId: id })).token;
    const response = await patch(id, token, { [key]: null });
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorBody>().message).toMatch(new RegExp(`^a tenant token may not change ${key}: only operators do`));
  });

  it("lets a tenant change every data-policy key, a suspended tenant included (its suspension stays)", async () => {
    const id = await tenantIn("SUSPENDED");
    const token = (await createToken(db.pool, { kind: "tenant", tenantId: id })).token;
    const body = { pii: { mode: "block" }, classification: { enabled: true, labels: ["secret"] }, injection: { threshold: 0.5 }, mime_allowlist: ["text/plain"], generation_enabled: true, retention_days: 90 };
    expect(Object.keys(body).sort()).toEqual([...DATA_POLICY_KEYS].sort());
    const response = await patch(id, token, body);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ kind: "update_config", actor: expect.stringMatching(/^portal:tenant-token:/) });
    expect((await db.registry.getTenant(id)).config).toMatchObject(body);
    // The double's update fails; the tenant stays SUSPENDED: a tenant's own change never lifts a suspension.
    await finished(response.json<{ operationId: string }>().operationId);
    const resume = await portal.app.inject({ method: "POST", url: `/tenants/${id}/resume`, headers: { authorization: `Bearer ${token}` } });
    expect(resume.statusCode).toBe(403);
    expect((await db.registry.getTenant(id)).state).toBe("SUSPENDED");
  });

  it("lets an admin change an operator's key; a tenant's bad value for its own key is still a 400 naming the path", async () => {
    const id = await tenantIn("ACTIVE");
    const admin = await patch(id, tokens.admin ?? "", { quotas: { storage_gb: 100 } });
    expect(admin.statusCode, admin.body).toBe(202);
    const other = await tenantIn("ACTIVE");
    const token = (await createToken(db.pool, { kind: "tenant", tenantId: other })).token;
    const bad = await patch(other, token, { retention_days: 0, surprise: true });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().problems?.map((p) => p.path)).toEqual(expect.arrayContaining(["config.retention_days", "config.surprise"]));
  });
});
