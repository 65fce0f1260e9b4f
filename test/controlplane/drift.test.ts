import { describe, expect, it } from "vitest";
import { driftOf, driftOfAll, insertOperation, InvalidDriftCheckError, listTenantsWithActiveOperation, recordDriftCheck, TenantNotFoundError, DRIFT_ERROR_MAX_LENGTH } from "../../controlplane";
import { tenantShow } from "../../cli/commands/tenant";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";
import { memoryIo } from "../support/memoryIo";

const cp = useControlPlaneDatabase();
const actor = "test-operator";

describe("the last drift check of a tenant (migration 014)", () => {
  it("is null until the first check, then holds only the latest one, stamped by the server", async () => {
    await cp.registry.createTenant("drift-one", { actor });
    expect(await driftOf(cp.db.pool, "drift-one")).toBeNull();

    const before = (await cp.db.pool.query<{ now: Date }>("SELECT now()")).rows[0]?.now ?? new Date(0);
    const drifted = await recordDriftCheck(cp.db.pool, { tenantId: "drift-one", result: "drifted", changes: { same: 12, update: 1, create: 0, delete: 2 } });
    expect(drifted).toMatchObject({ tenantId: "drift-one", result: "drifted", changes: { update: 1, delete: 2 }, error: null, operationId: null });
    expect(drifted.checkedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(await driftOf(cp.db.pool, "drift-one")).toEqual(drifted);

    const inSync = await recordDriftCheck(cp.db.pool, { tenantId: "drift-one", result: "in_sync", changes: { same: 12 } });
    expect(inSync).toMatchObject({ result: "in_sync", changes: null, error: null });
    expect(inSync.checkedAt.getTime()).toBeGreaterThanOrEqual(drifted.checkedAt.getTime());
    expect(await driftOf(cp.db.pool, "drift-one")).toEqual(inSync);
    const rows = await cp.db.pool.query("SELECT tenant_id FROM tenant_drift WHERE tenant_id = 'drift-one'");
    expect(rows.rowCount).toBe(1);
  });

  it("records a failure with its error, cut to a bounded length, and writes no audit event", async () => {
    await cp.registry.createTenant("drift-fails", { actor });
    const failed = await recordDriftCheck(cp.db.pool, { tenantId: "drift-fails", result: "failed", error: `  the engine could not reach MinIO\n${"x".repeat(5000)}` });
    expect(failed.result).toBe("failed");
    expect(failed.changes).toBeNull();
    expect(failed.error?.startsWith("the engine could not reach MinIO\n")).toBe(true);
    expect(failed.error).toHaveLength(DRIFT_ERROR_MAX_LENGTH);
    expect(failed.error?.endsWith("…")).toBe(true);
    expect((await cp.registry.listEvents("drift-fails")).map((event) => event.eventType)).toEqual(["TENANT_CREATED"]);
  });

  it("names its drift operation, and refuses another tenant's or another kind's", async () => {
    await cp.registry.createTenant("drift-op", { actor });
    await cp.registry.createTenant("drift-other", { actor });
    const operation = await insertOperation(cp.db.pool, { tenantId: "drift-op", kind: "drift", actor });
    const check = await recordDriftCheck(cp.db.pool, { tenantId: "drift-op", result: "in_sync", operationId: operation.operationId });
    expect(check.operationId).toBe(operation.operationId);
    await expect(recordDriftCheck(cp.db.pool, { tenantId: "drift-other", result: "in_sync", operationId: operation.operationId })).rejects.toThrow(
      `drift check of tenant "drift-other": operation ${operation.operationId} is not a drift operation of this tenant`,
    );
    const preview = await insertOperation(cp.db.pool, { tenantId: "drift-other", kind: "preview", actor });
    await expect(recordDriftCheck(cp.db.pool, { tenantId: "drift-other", result: "in_sync", operationId: preview.operationId })).rejects.toThrow(/is not a drift operation/);
    expect(await driftOf(cp.db.pool, "drift-other")).toBeNull();
  });

  it("refuses input that is not one result, before any SQL, saying what is allowed", async () => {
    const cases: [Parameters<typeof recordDriftCheck>[1], RegExp][] = [
      [{ tenantId: "drift-one", result: "drifted" }, /drifted needs changes with at least one changing step/],
      [{ tenantId: "drift-one", result: "drifted", changes: { same: 3 } }, /drifted needs changes/],
      [{ tenantId: "drift-one", result: "in_sync", changes: { replace: 1 } }, /in_sync, yet changes name changing steps \{"replace":1\}: that is drifted/],
      [{ tenantId: "drift-one", result: "failed" }, /failed needs the \(redacted\) error/],
      [{ tenantId: "drift-one", result: "failed", error: "  " }, /failed needs the \(redacted\) error/],
      [{ tenantId: "drift-one", result: "failed", error: "boom", changes: {} }, /a failed check has no changes/],
      [{ tenantId: "drift-one", result: "in_sync", error: "boom" }, /an error is recorded only when the result is failed, not in_sync/],
      [{ tenantId: "drift-one", result: "drifted", changes: { update: 1.5 } }, /changes\.update: must be a count \(an integer ≥ 0\), got 1\.5/],
      [{ tenantId: "drift-one", result: "drifted", changes: { "Update; DROP": 1 } }, /is not an engine step kind/],
      [{ tenantId: "drift-one", result: "unknown" as never }, /result "unknown": must be one of in_sync, drifted, failed/],
    ];
    const before = await driftOf(cp.db.pool, "drift-one");
    for (const [input, message] of cases) {
      const attempt = recordDriftCheck(cp.db.pool, input);
      await expect(attempt).rejects.toThrow(InvalidDriftCheckError);
      await expect(recordDriftCheck(cp.db.pool, input)).rejects.toThrow(message);
    }
    expect(await driftOf(cp.db.pool, "drift-one")).toEqual(before);
    await expect(recordDriftCheck(cp.db.pool, { tenantId: "Drift", result: "in_sync" })).rejects.toThrow(/tenant id "Drift"/);
    await expect(recordDriftCheck(cp.db.pool, { tenantId: "nobody-here", result: "in_sync" })).rejects.toThrow(TenantNotFoundError);
  });

  it("the database keeps the shape and the server's clock whoever writes", async () => {
    await cp.registry.createTenant("drift-sql", { actor });
    const refused = [
      "INSERT INTO tenant_drift (tenant_id, result) VALUES ('drift-sql', 'maybe')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'in_sync', '{\"update\": 1}')",
      "INSERT INTO tenant_drift (tenant_id, result) VALUES ('drift-sql', 'drifted')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '{}')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '[1]')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '{\"update\": 0}')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '{\"update\": 1.5}')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '{\"update\": \"1\"}')",
      "INSERT INTO tenant_drift (tenant_id, result, changes) VALUES ('drift-sql', 'drifted', '{\"Update\": 1}')",
      "INSERT INTO tenant_drift (tenant_id, result, error) VALUES ('drift-sql', 'failed', '')",
      "INSERT INTO tenant_drift (tenant_id, result, error) VALUES ('drift-sql', 'drifted', 'boom')",
    ];
    for (const statement of refused) await expect(cp.db.pool.query(statement), statement).rejects.toThrow(/violates check constraint/);
    await cp.db.pool.query("INSERT INTO tenant_drift (tenant_id, result, changes, checked_at) VALUES ('drift-sql', 'drifted', '{\"create-replacement\": 2}', '2001-01-01')");
    const check = await driftOf(cp.db.pool, "drift-sql");
    expect(check?.changes).toEqual({ "create-replacement": 2 });
    expect(check?.checkedAt.getUTCFullYear()).toBeGreaterThan(2001);
    await cp.db.pool.query("UPDATE tenant_drift SET checked_at = '2001-01-01' WHERE tenant_id = 'drift-sql'");
    expect((await driftOf(cp.db.pool, "drift-sql"))?.checkedAt.getUTCFullYear()).toBeGreaterThan(2001);
    await expect(cp.db.pool.query("DELETE FROM tenant_drift WHERE tenant_id = 'drift-sql'")).rejects.toThrow(/permission denied/);
  });

  it("the tenant list carries each tenant's check in its one query, null when never checked", async () => {
    const listed = await listTenantsWithActiveOperation(cp.db.pool);
    const byId = new Map(listed.map((entry) => [entry.tenant.tenantId, entry]));
    expect(byId.get("drift-one")?.drift).toEqual(await driftOf(cp.db.pool, "drift-one"));
    expect(byId.get("drift-fails")?.drift?.result).toBe("failed");
    expect(byId.get("drift-other")?.drift).toBeNull();
    expect(byId.get("drift-other")?.activeOperationId).not.toBeNull();
    const own = await listTenantsWithActiveOperation(cp.db.pool, { tenantId: "drift-sql", state: "PENDING" });
    expect(own.map((entry) => [entry.tenant.tenantId, entry.drift?.changes])).toEqual([["drift-sql", { "create-replacement": 2 }]]);
  });

  it("frostbyte tenant show prints the last check beside the registry row, null when never checked", async () => {
    const show = async (id: string) => {
      const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: cp.db.runtimeUrl });
      await tenantShow(io, id);
      return JSON.parse(io.out.join("")) as Record<string, unknown>;
    };
    const check = await driftOf(cp.db.pool, "drift-one");
    expect(await show("drift-one")).toMatchObject({
      tenantId: "drift-one",
      state: "PENDING",
      drift: { checkedAt: check?.checkedAt.toISOString(), result: "in_sync", changes: null, error: null, operationId: null },
    });
    expect((await show("drift-fails"))["drift"]).toMatchObject({ result: "failed", error: expect.stringContaining("could not reach MinIO") });
    expect((await show("drift-sql"))["drift"]).toMatchObject({ result: "drifted", changes: { "create-replacement": 2 } });
    expect(await show("drift-other")).toMatchObject({ tenantId: "drift-other", drift: null });
  });

  it("driftOfAll lists every checked tenant still in the fleet, by id", async () => {
    await cp.registry.createTenant("drift-gone", { actor });
    await recordDriftCheck(cp.db.pool, { tenantId: "drift-gone", result: "in_sync" });
    expect((await driftOfAll(cp.db.pool)).map((check) => check.tenantId)).toContain("drift-gone");
    await cp.registry.transition("drift-gone", "DEPROVISIONED", { actor });
    const all = await driftOfAll(cp.db.pool);
    expect(all.map((check) => check.tenantId)).toEqual(["drift-fails", "drift-one", "drift-op", "drift-sql"]);
    expect(all.find((check) => check.tenantId === "drift-fails")?.result).toBe("failed");
  });
});
