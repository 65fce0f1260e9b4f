/**
 * Start-up recovery and the operations table's own rules: an operation left queued or running by a
 * portal that died is failed when the next portal starts, its tenant settled with an audit event;
 * the database keeps one active operation per tenant and freezes finished ones; one portal per
 * control plane.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOperation, insertOperation, markRunning, type Operation } from "../../controlplane";
import { INTERRUPTED_BY_RESTART, PortalAlreadyRunningError, startPortal } from "../../portal";
import { newTenantStacks, startPortalHarness, type PortalHarness } from "./support/harness";

let h: PortalHarness;
const actor = "test";

beforeAll(async () => {
  h = await startPortalHarness();
});

afterAll(async () => {
  await h?.close();
});

/** A tenant in `PROVISIONING` with a running operation, as a portal killed mid-`up` leaves it. */
async function interruptedProvisioning(tenantId: string): Promise<Operation> {
  await h.db.registry.createTenant(tenantId, { actor });
  await h.db.registry.transition(tenantId, "PROVISIONING", { actor: "pulumi" });
  const queued = await insertOperation(h.db.pool, { tenantId, kind: "provision", actor });
  return markRunning(h.db.pool, queued.operationId);
}

describe("start-up recovery", () => {
  it("fails every interrupted operation, moves its PROVISIONING/DEPROVISIONING tenant to FAILED with TENANT_PROVISION_FAILED, and never loses one", async () => {
    const provisioning = await interruptedProvisioning("acme");
    // A deprovisioning that was running.
    await h.db.registry.createTenant("globex", { actor });
    for (const state of ["PROVISIONING", "ACTIVE", "DEPROVISIONING"] as const) await h.db.registry.transition("globex", state, { actor });
    const deprovisioning = await markRunning(h.db.pool, (await insertOperation(h.db.pool, { tenantId: "globex", kind: "deprovision", actor })).operationId);
    // A provisioning that had started before the stack recorded anything: the tenant is still PENDING.
    await h.db.registry.createTenant("initech", { actor });
    const early = await markRunning(h.db.pool, (await insertOperation(h.db.pool, { tenantId: "initech", kind: "provision", actor })).operationId);
    // A queued suspension that never started: its ACTIVE tenant is untouched.
    await h.db.registry.createTenant("hooli", { actor });
    for (const state of ["PROVISIONING", "ACTIVE"] as const) await h.db.registry.transition("hooli", state, { actor });
    const queued = await insertOperation(h.db.pool, { tenantId: "hooli", kind: "suspend", actor });

    const portal = await h.restart();
    expect(portal.recovered.map((r) => [r.operation.tenantId, r.tenantState])).toEqual([
      ["acme", "FAILED"],
      ["globex", "FAILED"],
      ["initech", "FAILED"],
      ["hooli", "ACTIVE"],
    ]);
    for (const op of [provisioning, deprovisioning, early, queued]) {
      const stored = await getOperation(h.db.pool, op.operationId);
      expect(stored, op.tenantId).toMatchObject({ state: "failed", error: INTERRUPTED_BY_RESTART });
      expect(stored?.finishedAt).not.toBeNull();
      // The API shows the same.
      expect((await h.send("GET", `/operations/${op.operationId}`, { token: h.adminToken })).json()).toMatchObject({ state: "failed", error: "interrupted by a portal restart" });
    }

    const acme = await h.db.registry.listEvents("acme");
    expect(acme.at(-1)).toMatchObject({
      eventType: "TENANT_PROVISION_FAILED",
      actor: "portal",
      details: { from: "PROVISIONING", to: "FAILED", error: "interrupted by a portal restart", operation: "provision", operation_id: provisioning.operationId },
    });
    expect((await h.db.registry.listEvents("globex")).at(-1)).toMatchObject({ eventType: "TENANT_PROVISION_FAILED", details: { from: "DEPROVISIONING", to: "FAILED" } });
    expect((await h.db.registry.listEvents("initech")).slice(-2).map((e) => [e.eventType, e.details["to"]])).toEqual([
      ["TENANT_PROVISION_STARTED", "PROVISIONING"],
      ["TENANT_PROVISION_FAILED", "FAILED"],
    ]);
    expect((await h.db.registry.getTenant("hooli")).state).toBe("ACTIVE");
    for (const id of ["acme", "globex", "initech", "hooli"]) expect((await h.db.registry.verifyChain(id)).ok, id).toBe(true);

    // The recovered tenants are free again: a new operation is accepted.
    const retry = await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: {} });
    expect(retry.statusCode).toBe(202);
    expect((await h.finished(retry.json<{ operationId: string }>().operationId)).state).toBe("failed");
    // A second start finds nothing left to recover.
    expect((await h.restart()).recovered).toEqual([]);
  });

  it("clears the stale lock a killed pulumi left on the stack, so the next operation is not refused as locked", async () => {
    // The stack exists (the retry above created it); plant the lock a killed `pulumi up` leaves.
    const { mkdir, writeFile, readdir } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const lockDir = join(h.view.stateDir, ".pulumi/locks/organization/frostbyte/tenant-acme");
    await mkdir(lockDir, { recursive: true });
    await writeFile(join(lockDir, "00000000-dead-4000-8000-000000000000.json"), JSON.stringify({ pid: 999999, username: "root", hostname: "gone", timestamp: new Date().toISOString() }));
    // The engine honours it: an operation now is refused by the backend's lock, and since it never
    // touched the stack, the tenant (ACTIVE, as if another process were updating it) is left alone.
    await h.db.registry.transition("acme", "PROVISIONING", { actor: "pulumi" });
    await h.db.registry.transition("acme", "ACTIVE", { actor: "pulumi" });
    const eventsBefore = (await h.db.registry.listEvents("acme")).length;
    const refused = await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: {} });
    expect(await h.finished(refused.json<{ operationId: string }>().operationId)).toMatchObject({
      state: "failed",
      error: 'stack "tenant-acme" is locked by another update (another process is running an operation on it)',
      result: { tenantState: "ACTIVE" },
    });
    expect((await h.db.registry.listEvents("acme")).length).toBe(eventsBefore);
    await h.db.registry.transition("acme", "PROVISIONING", { actor: "pulumi" });
    await markRunning(h.db.pool, (await insertOperation(h.db.pool, { tenantId: "acme", kind: "update_config", actor })).operationId);
    const portal = await h.restart();
    expect(portal.recovered).toHaveLength(1);
    expect(portal.recovered[0]?.staleLockError).toBeUndefined();
    expect(await readdir(lockDir)).toEqual([]);
    const retry = await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: {} });
    const done = await h.finished(retry.json<{ operationId: string }>().operationId);
    expect(done.error).not.toMatch(/locked/);
  });
});

describe("the operations table's own rules", () => {
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
});

describe("one portal per control plane", () => {
  it("a second portal on the same database refuses to start; after the first stops, it starts", async () => {
    const stacks = newTenantStacks(h.view, h.db.runtimeUrl);
    // The harness's portal (openPortal) holds no lock; startPortal does.
    await h.db.pool.query("UPDATE operations SET state = 'failed', finished_at = now(), error = 'test cleanup' WHERE state = 'queued'");
    const first = await startPortal({ controlDbUrl: h.db.runtimeUrl, host: "127.0.0.1", port: 0, stacks });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(startPortal({ controlDbUrl: h.db.runtimeUrl, host: "127.0.0.1", port: 0, stacks })).rejects.toThrow(PortalAlreadyRunningError);
      const health = await fetch(`${first.url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok", controlPlane: { ok: true } });
    } finally {
      await first.close();
    }
    const second = await startPortal({ controlDbUrl: h.db.runtimeUrl, host: "127.0.0.1", port: 0, stacks });
    await second.close();
  });
});
