/**
 * Each tenant's last drift check on `GET /metrics` (issue #15), read from the control plane when
 * Prometheus scrapes, so every portal instance shows the same values whichever worker checked:
 * - `frostbyte_tenant_drift_checked_timestamp_seconds{tenant}`: when it was last checked;
 * - `frostbyte_tenant_drifted{tenant}`: 1 when that check found drift, else 0;
 * - `frostbyte_tenant_drift_check_failed{tenant}`: 1 when that check could not run, else 0.
 * A tenant never checked, or DEPROVISIONED, has no series. Alert on `time() - checked > interval`
 * to catch a schedule that stopped.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { driftOfAll, type DriftCheck, type Queryable } from "../controlplane";

const CHECKED = "frostbyte_tenant_drift_checked_timestamp_seconds";
const DRIFTED = "frostbyte_tenant_drifted";
const FAILED = "frostbyte_tenant_drift_check_failed";
const READ_ERRORS = "frostbyte_tenant_drift_metrics_read_errors_total";

/** The three gauges are collected one after the other in one scrape; they share one read. */
const SNAPSHOT_REUSE_MS = 1000;

/**
 * Adds the drift series to `registry` (the portal's PortalMetrics registry), read through `db` at
 * each scrape. Registering on a registry that has them already does nothing.
 */
export function registerDriftMetrics(registry: Registry, db: Queryable): void {
  if (registry.getSingleMetric(CHECKED) !== undefined) return;
  const registers = [registry];
  let snapshot: { readonly at: number; readonly checks: Promise<readonly DriftCheck[]> } | undefined;
  const checks = (): Promise<readonly DriftCheck[]> => {
    const now = Date.now();
    if (snapshot === undefined || now - snapshot.at > SNAPSHOT_REUSE_MS) {
      snapshot = {
        at: now,
        checks: driftOfAll(db).catch(() => {
          readErrors.inc();
          return [];
        }),
      };
    }
    return snapshot.checks;
  };
  const gauge = (name: string, help: string, value: (check: DriftCheck) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["tenant"],
      registers,
      async collect() {
        const all = await checks();
        this.reset();
        for (const check of all) this.set({ tenant: check.tenantId }, value(check));
      },
    });
  gauge(CHECKED, "When the tenant's drift was last checked (Unix seconds).", (check) => check.checkedAt.getTime() / 1000);
  gauge(DRIFTED, "1 when the tenant's last drift check found drift (the stores differ from its desired state), else 0.", (check) => (check.result === "drifted" ? 1 : 0));
  gauge(FAILED, "1 when the tenant's last drift check could not run, else 0.", (check) => (check.result === "failed" ? 1 : 0));
  const readErrors = new Counter({
    name: READ_ERRORS,
    help: "Scrapes whose drift series could not be read from the control plane (they were left empty).",
    registers,
    // The registry collects every metric at once: waiting for the shared read shows its failure in this very scrape.
    async collect() {
      await checks();
    },
  });
}
