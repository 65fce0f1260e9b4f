import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { type TenantState, TransitionNotAllowedError } from "../../domain";

let server: PostgresServer;
let db: ControlPlaneDatabase;
const actor = "test-operator";

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server, { poolSize: 25 });
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

describe("concurrent changes of one tenant", () => {
  it("20 concurrent transitions leave one consistent state and a gap-free chain", async () => {
    const { registry } = db;
    const tenantId = "busy";
    await registry.createTenant(tenantId, { actor });
    await registry.transition(tenantId, "PROVISIONING", { actor });
    await registry.transition(tenantId, "ACTIVE", { actor });

    const targets: TenantState[] = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "SUSPENDED" : "ACTIVE"));
    const outcomes = await Promise.allSettled(targets.map((to, i) => registry.transition(tenantId, to, { actor, details: { call: i } })));

    // Each call either moved the tenant or was refused by the lifecycle: no deadlock, no chain conflict.
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(TransitionNotAllowedError);
    }
    const succeeded = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(succeeded).toBeGreaterThan(0);

    const events = await registry.listEvents(tenantId);
    expect(events).toHaveLength(3 + succeeded);
    expect(events.map((e) => e.chainSeq)).toEqual(events.map((_, i) => i + 1));
    const moves = events.slice(1).map((e) => e.details);
    moves.slice(1).forEach((move, i) => expect(move.from).toBe(moves[i]?.to));
    const tenant = await registry.getTenant(tenantId);
    expect(tenant.state).toBe(moves[moves.length - 1]?.to);
    expect(await registry.verifyChain(tenantId)).toEqual({ tenantId, ok: true, checked: events.length });
  });

  it("20 concurrent raw inserts as the runtime role still chain without gaps or forks", async () => {
    const { registry, pool } = db;
    await registry.createTenant("parallel", { actor });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.query("INSERT INTO audit_events (tenant_id, event_type, actor, details) VALUES ('parallel', 'TENANT_ISOLATION_VERIFIED', $1, '{}')", [`worker-${i}`]),
      ),
    );
    const events = await registry.listEvents("parallel");
    expect(events.map((e) => e.chainSeq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await registry.verifyChain("parallel")).toMatchObject({ ok: true, checked: 21 });
  });
});
