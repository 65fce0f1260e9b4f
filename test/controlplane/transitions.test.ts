import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";
import { allStatePairs, pathFromPending } from "../support/lifecyclePaths";
import { type TenantState, TransitionNotAllowedError, TRANSITIONS } from "../../domain";

const cp = useControlPlaneDatabase();
const actor = "test-operator";

async function tenantIn(tenantId: string, state: TenantState): Promise<void> {
  await cp.registry.createTenant(tenantId, { actor });
  for (const next of pathFromPending(state)) await cp.registry.transition(tenantId, next, { actor });
}

/** The SQL texts node-postgres sends while `work` runs. */
async function sqlSentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await work().catch(() => undefined);
    return spy.mock.calls.map(([first]) => (typeof first === "string" ? first : String((first as { text?: string }).text)));
  } finally {
    spy.mockRestore();
  }
}

describe("tenant lifecycle in the registry and the database (DESIGN §3)", () => {
  it.each(TRANSITIONS.map((t) => [t.number, t] as const))("allowed transition %i succeeds and writes its event", async (number, t) => {
    const tenantId = `allowed-${number}`;
    await tenantIn(tenantId, t.from);
    const result = await cp.registry.transition(tenantId, t.to, { actor, details: { ticket: `T-${number}` } });
    expect(result.tenant.state).toBe(t.to);
    expect(result.event).toMatchObject({ eventType: t.event, actor, resourceType: "tenant", resourceId: tenantId });
    expect(result.event.details).toEqual({ ticket: `T-${number}`, from: t.from, to: t.to });
    if (t.to === "PROVISIONING") expect(result.tenant.provisioningStartedAt).toBeInstanceOf(Date);
    if (t.from === "PROVISIONING" && t.to === "ACTIVE") expect(result.tenant.provisionedAt).toBeInstanceOf(Date);
    expect((await cp.registry.verifyChain(tenantId)).ok).toBe(true);
  });

  const refused = allStatePairs().filter((pair) => !pair.allowed);

  it("refuses exactly 29 other pairs", () => {
    expect(refused).toHaveLength(29);
  });

  it.each(refused.map((pair, index) => [pair.from, pair.to, index] as const))(
    "%s -> %s is refused by the code before any UPDATE, and by the database for the runtime role",
    async (from, to, index) => {
      const tenantId = `refused-${index}`;
      await tenantIn(tenantId, from);
      const eventsBefore = (await cp.registry.listEvents(tenantId)).length;
      const pairText = `tenant "${tenantId}": transition ${from} -> ${to} is not allowed`;

      const sent = await sqlSentDuring(() => cp.registry.transition(tenantId, to, { actor }));
      await expect(cp.registry.transition(tenantId, to, { actor })).rejects.toThrow(TransitionNotAllowedError);
      await expect(cp.registry.transition(tenantId, to, { actor })).rejects.toThrow(pairText);
      expect(sent.some((sql) => /UPDATE\s+tenants/i.test(sql))).toBe(false);

      const raw = cp.db.pool.query("UPDATE tenants SET state = $2 WHERE tenant_id = $1", [tenantId, to]);
      await expect(raw).rejects.toThrow(pairText);
      expect((await cp.registry.getTenant(tenantId)).state).toBe(from);
      expect(await cp.registry.listEvents(tenantId)).toHaveLength(eventsBefore);
    },
  );

  it("refuses a new row in any state but PENDING, and never lets tenant_id change", async () => {
    await expect(cp.db.pool.query("INSERT INTO tenants (tenant_id, state) VALUES ('born-active', 'ACTIVE')")).rejects.toThrow(
      'tenant "born-active": a new tenant starts in PENDING, not ACTIVE',
    );
    await cp.registry.createTenant("renamed", { actor });
    await expect(cp.db.pool.query("UPDATE tenants SET tenant_id = 'other' WHERE tenant_id = 'renamed'")).rejects.toThrow("tenant_id never changes");
  });

  it("refuses an unknown state by CHECK, and DELETE for the runtime role", async () => {
    await cp.registry.createTenant("checked", { actor });
    await expect(cp.db.pool.query("UPDATE tenants SET state = 'ARCHIVED' WHERE tenant_id = 'checked'")).rejects.toThrow(/not allowed|tenants_state_known/);
    await expect(cp.db.pool.query("DELETE FROM tenants WHERE tenant_id = 'checked'")).rejects.toThrow(/permission denied for table tenants/);
  });

  it("keeps the guard on for a superuser with session_replication_role = replica", async () => {
    await tenantIn("replica", "ACTIVE");
    await cp.db.asSuperuser(async (client) => {
      await client.query("SET session_replication_role = replica");
      await expect(client.query("UPDATE tenants SET state = 'PENDING' WHERE tenant_id = 'replica'")).rejects.toThrow(
        'tenant "replica": transition ACTIVE -> PENDING is not allowed',
      );
    });
  });
});
