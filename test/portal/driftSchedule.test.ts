/**
 * Scheduled drift detection on the real control plane and job queue: the schedule kept by the
 * queue (one per deployment, removed when `off`), the sweep that enqueues one `drift` operation per
 * ACTIVE tenant (a busy one is left for the next sweep), and a worker that runs them and records each
 * tenant's last check. The stacks are a TEST DOUBLE (no engine): the engine's drift itself is
 * exercised by the fleet's e2e; here only what the queue, the worker and the registry do with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftOf, DRIFT_SWEEP_QUEUE, getOperation, insertOperation, markFailed, openJobQueue, type Operation } from "../../controlplane";
import type { StackOperationOutcome, TenantReservation } from "../../stacks";
import { DRIFT_SCHEDULE_ACTOR, sweepDrift, type OperationStacks } from "../../worker";
import { EngineFreeStacks } from "../contract/support/engineFreeStacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startTestWorker, type WorkerOfTest } from "../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import type { PgBoss } from "pg-boss";
import { startWorker } from "../../worker";
import { DEFAULT_OPERATION_CANCEL_GRACE_SECONDS, DEFAULT_OPERATION_DEADLINE_SECONDS } from "../../domain";
import { TEST_WORKER_SETTINGS } from "../support/portalWithWorker";

/** TEST DOUBLE: the contract test's engine-free stacks, with a drift preview that reports what each tenant's entry says (its changes, or an error). */
function driftingStacks(drift: Readonly<Record<string, Record<string, number> | Error>>): OperationStacks {
  const stacks = new EngineFreeStacks();
  return Object.assign(stacks, {
    previewRefreshed: (reservation: TenantReservation): Promise<StackOperationOutcome> => {
      const found = drift[reservation.tenantId];
      if (found instanceof Error || found === undefined) return Promise.reject(found ?? new Error("test double: no drift entry"));
      return Promise.resolve({ summary: { type: "summary", result: "succeeded", resourceChanges: found, durationSeconds: 1 } } as unknown as StackOperationOutcome);
    },
  });
}

let server: PostgresServer;
let db: ControlPlaneDatabase;
let producer: PgBoss;
let worker: WorkerOfTest;

async function active(id: string): Promise<void> {
  await db.registry.createTenant(id, { actor: "test" });
  for (const state of ["PROVISIONING", "ACTIVE"] as const) await db.registry.transition(id, state, { actor: "test" });
}

async function finished(operationId: string): Promise<Operation> {
  for (let i = 0; i < 300; i += 1) {
    const operation = await getOperation(db.pool, operationId);
    if (operation?.state === "succeeded" || operation?.state === "failed") return operation;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`operation ${operationId} did not finish`);
}

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  producer = await openJobQueue(db.runtimeUrl, { kind: "producer" });
  worker = await startTestWorker(db.pool, db.runtimeUrl, driftingStacks({ acme: { same: 20, update: 2 }, globex: { same: 22 }, initech: new Error("the stores did not answer") }));
});

afterAll(async () => {
  await worker?.close(0);
  await producer?.stop({ graceful: false });
  await db?.close();
  await server?.stop();
});

describe("scheduled drift detection", () => {
  it("the sweep enqueues one drift check per ACTIVE tenant; a busy tenant and one in another state are left alone", async () => {
    for (const id of ["acme", "globex", "initech", "hooli"]) await active(id);
    await db.registry.createTenant("pending-co", { actor: "test" });
    // Busy: an operation queued (no worker takes it: it has no job).
    const busy = await insertOperation(db.pool, { tenantId: "hooli", kind: "suspend", actor: "test" });
    expect((await sweepDrift(db.pool, producer)).sort()).toEqual(["acme", "globex", "initech"]);
    const checks = await db.pool.query<{ tenant_id: string; operation_id: string; actor: string }>("SELECT tenant_id, operation_id, actor FROM operations WHERE kind = 'drift' ORDER BY tenant_id");
    expect(checks.rows.map((row) => [row.tenant_id, row.actor])).toEqual([
      ["acme", DRIFT_SCHEDULE_ACTOR],
      ["globex", DRIFT_SCHEDULE_ACTOR],
      ["initech", DRIFT_SCHEDULE_ACTOR],
    ]);
    for (const row of checks.rows) await finished(row.operation_id);
    await markFailed(db.pool, busy.operationId, "test: never run");
  });

  it("the worker records each tenant's last check: drifted with its changes, in sync, or failed with the error", async () => {
    expect(await driftOf(db.pool, "acme")).toMatchObject({ result: "drifted", changes: { update: 2 } });
    expect(await driftOf(db.pool, "globex")).toMatchObject({ result: "in_sync" });
    expect(await driftOf(db.pool, "initech")).toMatchObject({ result: "failed", error: expect.stringContaining("the stores did not answer") });
    expect(await driftOf(db.pool, "hooli")).toBeNull();
    const acme = await db.pool.query<{ state: string; result: unknown }>("SELECT state, result FROM operations WHERE tenant_id = 'acme' AND kind = 'drift'");
    expect(acme.rows[0]).toMatchObject({ state: "succeeded", result: { drift: { result: "drifted", changes: { update: 2 } } } });
    // A check changes nothing of the tenant.
    expect((await db.registry.getTenant("acme")).state).toBe("ACTIVE");
  });

  it("the schedule is kept by the queue: set by a worker with a cron, removed by one started with off", async () => {
    const schedules = async () => (await producer.getSchedules(DRIFT_SWEEP_QUEUE)).map((schedule) => schedule.cron);
    expect(await schedules()).toEqual([]);
    const scheduling = await startWorker({
      controlDbUrl: db.runtimeUrl,
      pool: db.pool,
      settings: TEST_WORKER_SETTINGS,
      timeBounds: { deadlineSeconds: DEFAULT_OPERATION_DEADLINE_SECONDS, cancelGraceSeconds: DEFAULT_OPERATION_CANCEL_GRACE_SECONDS },
      stateBackendUrl: "file:///test-double-keeps-no-stacks",
      stacksForJob: () => Promise.resolve({ stacks: new EngineFreeStacks(), release: () => Promise.resolve() }),
      log: { error: () => undefined, warn: () => undefined, info: () => undefined },
      driftCron: "*/5 * * * *",
    });
    expect(await schedules()).toEqual(["*/5 * * * *"]);
    await scheduling.close(0);
    // The test's own worker (no cron: off) removes it when it starts again.
    await worker.close(0);
    worker = await startTestWorker(db.pool, db.runtimeUrl, new EngineFreeStacks());
    expect(await schedules()).toEqual([]);
  });
});
