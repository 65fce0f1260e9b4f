/**
 * The portal's Prometheus metrics (`GET /metrics`): operations by kind and result, their duration,
 * the ones running now, and the Node.js process's own metrics. One registry per portal, so two
 * portals in one process (tests) never share a counter.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { OPERATION_KINDS, type OperationKind } from "../controlplane";

/** How an operation ended, as the metrics label it. */
export type OperationResult = "succeeded" | "failed";
const RESULTS: readonly OperationResult[] = ["succeeded", "failed"];

/** Buckets for stack operations: seconds to an hour. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

export class PortalMetrics {
  readonly registry = new Registry();
  private readonly finished: Counter<"kind" | "result">;
  private readonly duration: Histogram<"kind" | "result">;
  private readonly running: Gauge<"kind">;

  constructor() {
    const registers = [this.registry];
    this.finished = new Counter({
      name: "frostbyte_portal_operations_total",
      help: "Tenant stack operations that finished, by kind and result.",
      labelNames: ["kind", "result"],
      registers,
    });
    this.duration = new Histogram({
      name: "frostbyte_portal_operation_duration_seconds",
      help: "Duration of finished tenant stack operations, from start to end, by kind and result.",
      labelNames: ["kind", "result"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.running = new Gauge({ name: "frostbyte_portal_operations_running", help: "Tenant stack operations running now, by kind.", labelNames: ["kind"], registers });
    // Every series exists from the start, so a rate() over a fresh portal is 0, not absent.
    for (const kind of OPERATION_KINDS) {
      this.running.set({ kind }, 0);
      for (const result of RESULTS) this.finished.inc({ kind, result }, 0);
    }
    collectDefaultMetrics({ register: this.registry, prefix: "frostbyte_portal_" });
  }

  operationStarted(kind: OperationKind): void {
    this.running.inc({ kind });
  }

  operationFinished(kind: OperationKind, result: OperationResult, seconds: number): void {
    this.running.dec({ kind });
    this.finished.inc({ kind, result });
    this.duration.observe({ kind, result }, seconds);
  }

  /** The Prometheus text exposition format, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
