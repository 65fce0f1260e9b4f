/**
 * A tenant's last drift check on the API: `drift` on GET /tenants/{id} and on every tenant of
 * GET /tenants (null until the first check), seen by operators and by the tenant's own token only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDriftCheck, type DriftCheck } from "../../controlplane";
import { startPortalHarness, type PortalHarness } from "./support/harness";

let h: PortalHarness;
let moved: DriftCheck;

beforeAll(async () => {
  h = await startPortalHarness();
  for (const id of ["calm", "moved", "broken", "unseen"]) await h.db.registry.createTenant(id, { actor: "test" });
  await recordDriftCheck(h.db.pool, { tenantId: "calm", result: "in_sync", changes: { same: 7 } });
  moved = await recordDriftCheck(h.db.pool, { tenantId: "moved", result: "drifted", changes: { same: 6, update: 1 } });
  await recordDriftCheck(h.db.pool, { tenantId: "broken", result: "failed", error: "refreshing: the MinIO server did not answer" });
});

afterAll(async () => {
  await h?.close();
});

type Shown = { tenantId: string; drift: unknown };

describe("drift on the tenant API", () => {
  it("GET /tenants/{id} shows the last check: changes when drifted, the error when failed, null when never checked", async () => {
    const drift = async (id: string) => (await h.send("GET", `/tenants/${id}`, { token: h.adminToken })).json<Shown>().drift;
    expect(await drift("moved")).toEqual({ checkedAt: moved.checkedAt.toISOString(), result: "drifted", changes: { update: 1 } });
    expect(await drift("calm")).toMatchObject({ result: "in_sync" });
    expect(await drift("calm")).not.toHaveProperty("changes");
    expect(await drift("broken")).toMatchObject({ result: "failed", error: "refreshing: the MinIO server did not answer" });
    expect(await drift("unseen")).toBeNull();
  });

  it("GET /tenants carries every tenant's check, the same as the tenant's own read", async () => {
    const listed = (await h.send("GET", "/tenants", { token: h.adminToken })).json<{ tenants: Shown[] }>().tenants;
    expect(Object.fromEntries(listed.map((tenant) => [tenant.tenantId, tenant.drift]))).toEqual({
      calm: (await h.send("GET", "/tenants/calm", { token: h.adminToken })).json<Shown>().drift,
      moved: { checkedAt: moved.checkedAt.toISOString(), result: "drifted", changes: { update: 1 } },
      broken: (await h.send("GET", "/tenants/broken", { token: h.adminToken })).json<Shown>().drift,
      unseen: null,
    });
  });

  it("a tenant's token sees its own drift and no other tenant's", async () => {
    const token = await h.tenantToken("moved");
    expect((await h.send("GET", "/tenants/moved", { token })).json<Shown>().drift).toMatchObject({ result: "drifted" });
    expect((await h.send("GET", "/tenants/broken", { token })).statusCode).toBe(403);
    expect((await h.send("GET", "/tenants", { token })).json<{ tenants: Shown[] }>().tenants.map((tenant) => tenant.tenantId)).toEqual(["moved"]);
  });
});
