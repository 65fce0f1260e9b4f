/**
 * The read routes the console adds to the portal: `GET /me`, a tenant's operations history and its
 * audit log with the chain's verification, each within the caller's reach. Real PostgreSQL, the
 * real engine (the harness' stores are closed, so an operation fails for real and quickly).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPortalHarness, type PortalHarness } from "../portal/support/harness";

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

describe("GET /me", () => {
  it("names the token's role and the tenant it is limited to, never the token", async () => {
    const admin = await h.send("GET", "/me", { token: h.adminToken });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ role: "admin", tenantId: null, tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const tenant = await h.send("GET", "/me", { token: acmeToken });
    expect(tenant.json()).toMatchObject({ role: "tenant", tenantId: "acme" });
    expect(tenant.body).not.toContain(acmeToken);
    expect((await h.send("GET", "/me")).statusCode).toBe(401);
  });
});

describe("GET /tenants/{id}/operations", () => {
  it("lists the tenant's operations newest first, finished ones with their (redacted) error", async () => {
    expect((await h.send("GET", "/tenants/acme/operations", { token: h.adminToken })).json()).toEqual({ operations: [] });
    const first = await h.send("POST", "/tenants/acme/preview", { token: h.adminToken });
    expect(first.statusCode).toBe(202);
    const failed = await h.finished(first.json<{ operationId: string }>().operationId);
    const second = await h.send("POST", "/tenants/acme/preview", { token: h.adminToken });
    await h.finished(second.json<{ operationId: string }>().operationId);

    const history = await h.send("GET", "/tenants/acme/operations", { token: acmeToken });
    expect(history.statusCode).toBe(200);
    const { operations } = history.json<{ operations: { operationId: string; kind: string; state: string; error: string | null }[] }>();
    expect(operations.map((operation) => operation.operationId)).toEqual([second.json<{ operationId: string }>().operationId, failed.operationId]);
    expect(operations[1]).toMatchObject({ kind: "preview", state: failed.state, error: failed.error });
    expect((await h.send("GET", "/tenants/globex/operations", { token: h.adminToken })).json()).toEqual({ operations: [] });
  });

  it("keeps a tenant token to its own tenant, and names a bad or unknown id", async () => {
    expect((await h.send("GET", "/tenants/globex/operations", { token: acmeToken })).statusCode).toBe(403);
    expect((await h.send("GET", "/tenants/initech/operations", { token: h.adminToken })).statusCode).toBe(404);
    const bad = await h.send("GET", "/tenants/Bad--id/operations", { token: h.adminToken });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: { path: string }[] }>().problems.map((problem) => problem.path)).toEqual(["params.id"]);
  });
});

describe("GET /tenants/{id}/audit", () => {
  it("answers the events in chain order with the chain's verification, read together", async () => {
    const answer = await h.send("GET", "/tenants/globex/audit", { token: h.adminToken });
    expect(answer.statusCode).toBe(200);
    const { events, verification } = answer.json<{ events: { chainSeq: number; eventType: string }[]; verification: unknown }>();
    expect(events[0]).toMatchObject({ chainSeq: 1, eventType: "TENANT_CREATED" });
    expect(events.map((event) => event.chainSeq)).toEqual(events.map((_event, index) => index + 1));
    expect(verification).toEqual({ ok: true, checked: events.length });
    expect(events).toEqual(await h.db.registry.listEvents("globex"));
  });

  it("keeps a tenant token to its own tenant and answers 404 for an unknown one", async () => {
    expect((await h.send("GET", "/tenants/acme/audit", { token: acmeToken })).statusCode).toBe(200);
    expect((await h.send("GET", "/tenants/globex/audit", { token: acmeToken })).statusCode).toBe(403);
    expect((await h.send("GET", "/tenants/initech/audit", { token: h.adminToken })).statusCode).toBe(404);
  });
});
