/** The drift series on /metrics, read from a real control plane at each scrape. */
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { driftOf, recordDriftCheck } from "../../controlplane";
import { registerDriftMetrics } from "../../portal/driftMetrics";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";

const cp = useControlPlaneDatabase();
const actor = "test-operator";
const SERIES = /^frostbyte_tenant_drift(?:ed|_checked_timestamp_seconds|_check_failed)\{.*$/gm;

async function scrape(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return (text.match(SERIES) ?? []).sort();
}

const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : NaN);

describe("frostbyte_tenant_drift* on /metrics", () => {
  it("has one series per checked tenant, follows every new check, and drops a tenant gone", async () => {
    const registry = new Registry();
    registerDriftMetrics(registry, cp.db.pool);
    registerDriftMetrics(registry, cp.db.pool);
    expect(await scrape(registry)).toEqual([]);

    for (const id of ["calm", "moved", "broken", "unseen"]) await cp.registry.createTenant(id, { actor });
    await recordDriftCheck(cp.db.pool, { tenantId: "calm", result: "in_sync" });
    await recordDriftCheck(cp.db.pool, { tenantId: "moved", result: "drifted", changes: { update: 1 } });
    await recordDriftCheck(cp.db.pool, { tenantId: "broken", result: "failed", error: "the engine could not reach Redis" });
    const checked = async (id: string) => seconds((await driftOf(cp.db.pool, id))?.checkedAt);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await scrape(registry)).toEqual(
      [
        `frostbyte_tenant_drift_check_failed{tenant="broken"} 1`,
        `frostbyte_tenant_drift_check_failed{tenant="calm"} 0`,
        `frostbyte_tenant_drift_check_failed{tenant="moved"} 0`,
        `frostbyte_tenant_drift_checked_timestamp_seconds{tenant="broken"} ${await checked("broken")}`,
        `frostbyte_tenant_drift_checked_timestamp_seconds{tenant="calm"} ${await checked("calm")}`,
        `frostbyte_tenant_drift_checked_timestamp_seconds{tenant="moved"} ${await checked("moved")}`,
        `frostbyte_tenant_drifted{tenant="broken"} 0`,
        `frostbyte_tenant_drifted{tenant="calm"} 0`,
        `frostbyte_tenant_drifted{tenant="moved"} 1`,
      ].sort(),
    );

    await recordDriftCheck(cp.db.pool, { tenantId: "moved", result: "in_sync" });
    await cp.registry.transition("broken", "DEPROVISIONED", { actor });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await scrape(registry);
    expect(after).toContain(`frostbyte_tenant_drifted{tenant="moved"} 0`);
    expect(after.filter((line) => line.includes('"broken"'))).toEqual([]);
    expect(after).toHaveLength(6);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE frostbyte_tenant_drifted gauge");
    expect(text).toContain("frostbyte_tenant_drift_metrics_read_errors_total 0");
  });

  it("a control plane that cannot be read leaves the series empty and counts the failure, instead of failing the scrape", async () => {
    const registry = new Registry();
    registerDriftMetrics(registry, { query: () => Promise.reject(new Error("connection refused")) } as never);
    const text = await registry.metrics();
    expect(text.match(SERIES)).toBeNull();
    expect(text).toContain("frostbyte_tenant_drift_metrics_read_errors_total 1");
  });
});
