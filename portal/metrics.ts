/**
 * The portal's Prometheus metrics (`GET /metrics`): operations by kind and state and the live
 * workers, read from the control plane at each scrape (workers on any host run the operations, so
 * no process counts them in memory), and the Node.js process's own metrics. One registry per
 * portal, so two portals in one process (tests) never share a series.
 */
import type pg from "pg";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { DEFAULT_WORKER_SETTINGS } from "../domain";
import { OPERATION_KINDS, OPERATION_STATES } from "../controlplane";

export class PortalMetrics {
  readonly registry = new Registry();

  constructor(pool: pg.Pool) {
    const registers = [this.registry];
    new Gauge({
      name: "frostbyte_operations",
      help: "Tenant stack operations in the control plane, by kind and state (queued, running, succeeded, failed).",
      labelNames: ["kind", "state"],
      registers,
      async collect() {
        const { rows } = await pool.query<{ kind: string; state: string; count: number }>("SELECT kind, state, count(*)::int AS count FROM operations GROUP BY kind, state");
        // Every series exists, so a rate() over a fresh deployment is 0, not absent.
        for (const kind of OPERATION_KINDS) for (const state of OPERATION_STATES) this.set({ kind, state }, 0);
        for (const row of rows) this.set({ kind: row.kind, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: "frostbyte_workers_live",
      help: "Workers that beat within the last three heartbeat intervals (FROSTBYTE_WORKER_HEARTBEAT_SECONDS as this portal reads it).",
      registers,
      async collect() {
        const seconds = DEFAULT_WORKER_SETTINGS.heartbeatSeconds * 3;
        const { rows } = await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM workers WHERE stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1)", [seconds]);
        this.set(rows[0]?.count ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "frostbyte_portal_" });
  }

  /** The Prometheus text exposition format, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
