/**
 * A job taken over from a worker that stopped answering, and the tables' own rules: the handler
 * (worker/jobHandler.ts) run on the real control plane and the real engine, with the job pg-boss
 * hands out again (retryCount > 0) given to it directly; pg-boss's own heartbeat detection is
 * exercised end to end in test/e2e/workers.test.ts. Also: several portals on one control plane.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Job } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attemptsOfTenant, getOperation, insertOperation, markRunning, openAttempt, TenantRegistry, type Operation, type OperationJobData } from "../../controlplane";
import { handleOperationJob, WORKER_ACTOR, type JobHandlerDeps } from "../../worker";
import { openTestPortal } from "../support/portalWithWorker";
import { startPortalHarness, type PortalHarness } from "./support/harness";

let h: PortalHarness;
const actor = "test";
/** Tests that run the real engine (an `up` that fails on closed store ports): slow on a loaded machine. */
const ENGINE_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  h = await startPortalHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Registers a worker row that beat `secondsAgo` seconds ago (a worker killed then, or one still alive). */
async function workerRow(workerId: string, secondsAgo: number): Promise<void> {
  await h.db.pool.query(
    "INSERT INTO workers (worker_id, host, pid, state_backend, started_at, heartbeat_at) VALUES ($1, 'gone-host', 4242, $2, now() - interval '1 hour', now() - make_interval(secs => $3))",
    [workerId, `file://${h.view.stateDir}`, secondsAgo],
  );
}

/** A tenant in `PROVISIONING` whose provisioning runs (attempt 1) on `workerId`, as a worker killed mid-`up` leaves it. */
async function provisioningOn(tenantId: string, workerId: string): Promise<Operation> {
  await h.db.registry.createTenant(tenantId, { actor });
  await h.db.registry.transition(tenantId, "PROVISIONING", { actor: "pulumi" });
  const queued = await insertOperation(h.db.pool, { tenantId, kind: "provision", actor });
  await openAttempt(h.db.pool, { operationId: queued.operationId, attempt: 1, tenantId, workerId });
  return markRunning(h.db.pool, queued.operationId, workerId, 1);
}

function deps(overrides: Partial<JobHandlerDeps> = {}): JobHandlerDeps {
  return {
    pool: h.db.pool,
    registry: new TenantRegistry(h.db.pool),
    log: { error: () => undefined },
    actor: WORKER_ACTOR,
    workerId: "this-host:1:test",
    stacksForJob: () => Promise.resolve({ stacks: h.stacks, release: () => Promise.resolve() }),
    stopping: new AbortController().signal,
    heartbeatSeconds: 10,
    cancelGraceSeconds: 2,
    takeovers: 2,
    running: new Set<string>(),
    redact: (text) => text,
    ...overrides,
  };
}

function jobOf(operation: Operation, retryCount: number): Job<OperationJobData> {
  return { id: operation.operationId, name: "tenant-operations", data: { operationId: operation.operationId }, expireInSeconds: 900, heartbeatSeconds: 10, retryCount, signal: new AbortController().signal };
}

describe("a job taken over from a lost worker", () => {
  beforeAll(async () => {
    await h.db.pool.query("INSERT INTO workers (worker_id, host, pid, state_backend) VALUES ('this-host:1:test', 'this-host', 1, $1)", [`file://${h.view.stateDir}`]);
  });

  it("closes the lost attempt, records TENANT_PROVISION_FAILED naming the lost worker, clears its stack lock and runs the operation again", async () => {
    await workerRow("gone-host:4242:dead", 3600);
    const operation = await provisioningOn("acme", "gone-host:4242:dead");
    // The stack the lost worker's `up` created, and the lock its killed engine left on it.
    await h.stacks.createOrSelect("acme");
    const lockDir = join(h.view.stateDir, ".pulumi/locks/organization/frostbyte/tenant-acme");
    await mkdir(lockDir, { recursive: true });
    await writeFile(join(lockDir, "00000000-dead-4000-8000-000000000000.json"), JSON.stringify({ pid: 4242, username: "root", hostname: "gone-host", timestamp: new Date().toISOString() }));

    await handleOperationJob(deps(), jobOf(operation, 1));

    const attempts = await attemptsOfTenant(h.db.pool, "acme");
    expect(attempts.map((a) => [a.attempt, a.workerId, a.outcome])).toEqual([
      [1, "gone-host:4242:dead", "lost"],
      [2, "this-host:1:test", "failed"],
    ]);
    const events = await h.db.registry.listEvents("acme");
    const takeover = events.find((e) => e.eventType === "TENANT_PROVISION_FAILED" && String(e.details["error"]).includes("gone-host:4242:dead"));
    expect(takeover).toMatchObject({
      actor: "worker",
      details: { from: "PROVISIONING", to: "FAILED", operation_id: operation.operationId, error: expect.stringMatching(/^worker gone-host:4242:dead stopped answering \(no heartbeat for 10 s\); worker this-host:1:test takes the operation over \(attempt 2\)$/) },
    });
    // The retry ran the engine (it then failed on the harness's closed store ports), not a lock error.
    const ended = await getOperation(h.db.pool, operation.operationId);
    expect(ended).toMatchObject({ state: "failed", attempt: 2, workerId: "this-host:1:test" });
    expect(ended?.error).not.toMatch(/locked/);
    expect(await readdir(lockDir)).toEqual([]);
    expect(events.map((e) => e.eventType).indexOf("TENANT_PROVISION_STARTED")).toBeLessThan(events.indexOf(takeover!));
    expect((await h.db.registry.verifyChain("acme")).ok).toBe(true);
  }, ENGINE_TIMEOUT_MS);

  it("waits while the other worker still beats, and goes on once it stopped", async () => {
    await workerRow("alive-host:1:busy", 0);
    const operation = await provisioningOn("globex", "alive-host:1:busy");
    const taking = handleOperationJob(deps(), jobOf(operation, 1));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await attemptsOfTenant(h.db.pool, "globex")).map((a) => [a.attempt, a.outcome])).toEqual([[1, null]]);
    // Fenced out already: the row names this worker, so nothing the other one writes ends the operation.
    expect(await getOperation(h.db.pool, operation.operationId)).toMatchObject({ state: "running", workerId: "this-host:1:test", attempt: 2 });
    await h.db.pool.query("UPDATE workers SET stopped_at = now() WHERE worker_id = 'alive-host:1:busy'");
    await taking;
    expect((await attemptsOfTenant(h.db.pool, "globex")).map((a) => [a.attempt, a.workerId, a.outcome])).toEqual([
      [1, "alive-host:1:busy", "lost"],
      [2, "this-host:1:test", "failed"],
    ]);
  }, ENGINE_TIMEOUT_MS);

  it("an attempt of this very worker that it no longer runs (its handler ended without closing it) is taken over at once", async () => {
    const operation = await provisioningOn("wayne", "this-host:1:test");
    const started = Date.now();
    await handleOperationJob(deps(), jobOf(operation, 1));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await attemptsOfTenant(h.db.pool, "wayne")).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, "lost"],
      [2, "failed"],
    ]);
  }, ENGINE_TIMEOUT_MS);

  it("a job whose workspace cannot be made ends failed, saying why, and settles its tenant", async () => {
    await h.db.registry.createTenant("stark", { actor });
    await h.db.registry.transition("stark", "PROVISIONING", { actor: "pulumi" });
    const queued = await insertOperation(h.db.pool, { tenantId: "stark", kind: "provision", actor });
    await handleOperationJob(deps({ stacksForJob: () => Promise.reject(new Error("ENOSPC: no space left on device, mkdtemp '/tmp/frostbyte-job-XXXXXX'")) }), jobOf(queued, 0));
    expect(await getOperation(h.db.pool, queued.operationId)).toMatchObject({
      state: "failed",
      error: "the worker could not start the operation: ENOSPC: no space left on device, mkdtemp '/tmp/frostbyte-job-XXXXXX'",
    });
    expect((await h.db.registry.getTenant("stark")).state).toBe("FAILED");
    expect(await attemptsOfTenant(h.db.pool, "stark")).toEqual([]);
  });

  it("fails the operation for good once no takeover is left", async () => {
    await workerRow("gone-host:4243:dead", 3600);
    const operation = await provisioningOn("initech", "gone-host:4243:dead");
    await h.db.pool.query("UPDATE operations SET attempt = 3 WHERE operation_id = $1", [operation.operationId]);
    await handleOperationJob(deps({ takeovers: 2 }), jobOf(operation, 3));
    const ended = await getOperation(h.db.pool, operation.operationId);
    expect(ended).toMatchObject({ state: "failed", error: expect.stringMatching(/no takeover is left \(FROSTBYTE_WORKER_TAKEOVERS=2\)$/) });
    expect((await h.db.registry.getTenant("initech")).state).toBe("FAILED");
  });
});

describe("the operations tables' own rules", () => {
  it("refuses a second active operation for a tenant and any change to a finished one", async () => {
    await h.db.registry.createTenant("umbrella", { actor });
    const first = await insertOperation(h.db.pool, { tenantId: "umbrella", kind: "preview", actor });
    await expect(insertOperation(h.db.pool, { tenantId: "umbrella", kind: "suspend", actor })).rejects.toThrow('tenant "umbrella" already has an operation in progress');
    await expect(h.db.pool.query("UPDATE operations SET state = 'succeeded', started_at = now(), finished_at = now() WHERE operation_id = $1", [first.operationId])).rejects.toThrow(
      /queued -> succeeded is not allowed/,
    );
    await expect(h.db.pool.query("UPDATE operations SET state = 'failed', finished_at = now() WHERE operation_id = $1", [first.operationId])).rejects.toThrow(
      /operations_state_columns/,
    );
    await h.db.pool.query("UPDATE operations SET state = 'failed', finished_at = now(), error = 'x' WHERE operation_id = $1", [first.operationId]);
    await expect(h.db.pool.query("UPDATE operations SET error = 'rewritten' WHERE operation_id = $1", [first.operationId])).rejects.toThrow(/is failed and never changes again/);
    await expect(h.db.pool.query("UPDATE operations SET kind = 'deprovision' WHERE operation_id = $1", [first.operationId])).rejects.toThrow(/never change/);
    await expect(h.db.pool.query("DELETE FROM operations WHERE operation_id = $1", [first.operationId])).rejects.toThrow(/permission denied/);
    // Finished, the tenant may have a new one.
    await insertOperation(h.db.pool, { tenantId: "umbrella", kind: "preview", actor });
  });

  it("keeps at most one attempt per tenant open, and an ended attempt as it ended", async () => {
    await h.db.registry.createTenant("hooli", { actor });
    const one = await insertOperation(h.db.pool, { tenantId: "hooli", kind: "preview", actor });
    await openAttempt(h.db.pool, { operationId: one.operationId, attempt: 1, tenantId: "hooli", workerId: "this-host:1:test" });
    await expect(openAttempt(h.db.pool, { operationId: one.operationId, attempt: 2, tenantId: "hooli", workerId: "this-host:1:test" })).rejects.toThrow(
      'tenant "hooli" has an attempt open on another worker',
    );
    await h.db.pool.query("UPDATE operation_attempts SET ended_at = now(), outcome = 'failed' WHERE operation_id = $1", [one.operationId]);
    await expect(h.db.pool.query("UPDATE operation_attempts SET outcome = 'succeeded' WHERE operation_id = $1", [one.operationId])).rejects.toThrow(/never changes again/);
    await expect(h.db.pool.query("DELETE FROM operation_attempts WHERE operation_id = $1", [one.operationId])).rejects.toThrow(/permission denied/);
  });
});

describe("several portals on one control plane", () => {
  it("a second portal runs beside the first; an operation one accepts, the other shows", async () => {
    await h.db.registry.createTenant("pied-piper", { actor });
    const second = await openTestPortal(h.db.runtimeUrl, { pool: h.db.pool });
    try {
      const accepted = await h.send("POST", "/tenants/pied-piper/preview", { token: h.adminToken });
      expect(accepted.statusCode).toBe(202);
      const { operationId } = accepted.json<{ operationId: string }>();
      const seen = await second.app.inject({ method: "GET", url: `/operations/${operationId}`, headers: { authorization: `Bearer ${h.adminToken}` } });
      expect(seen.statusCode).toBe(200);
      // A second request for the busy tenant (the engine takes seconds to start), on the other portal, is refused at once.
      const busy = await second.app.inject({ method: "POST", url: "/tenants/pied-piper/preview", headers: { authorization: `Bearer ${h.adminToken}` } });
      expect(busy.statusCode).toBe(409);
      expect(JSON.stringify(busy.json())).toMatch(/already has an operation in progress/);
      await h.finished(operationId);
    } finally {
      await second.close();
    }
  }, ENGINE_TIMEOUT_MS);
});
