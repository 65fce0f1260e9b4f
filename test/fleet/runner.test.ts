/**
 * runFleet's concurrency bound, proven without timing: each operation is a promise the test
 * settles by hand, and every start and finish is counted as it happens. p-limit schedules with
 * promise callbacks only, so one turn of the event loop (setImmediate) lets every start that can
 * happen, happen.
 */
import { describe, expect, it } from "vitest";
import { runFleet, type TenantOperation, type TenantReport } from "../../fleet";
import { StackConflictError, type OperationHooks, type StackOperationOutcome } from "../../stacks";
import { tenant } from "./support";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Running {
  readonly hooks: OperationHooks;
  resolve(outcome: StackOperationOutcome): void;
  reject(error: unknown): void;
}

/** An operation whose calls wait for the test; records how many run at once. */
function controlled() {
  const running = new Map<string, Running>();
  const starts: string[] = [];
  let active = 0;
  let maxActive = 0;
  const operation: TenantOperation = (t, hooks) =>
    new Promise<StackOperationOutcome>((resolve, reject) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      starts.push(t.tenantId);
      const done = () => {
        active -= 1;
        running.delete(t.tenantId);
      };
      running.set(t.tenantId, { hooks, resolve: (o) => (done(), resolve(o)), reject: (e) => (done(), reject(e)) });
    });
  return {
    operation,
    running,
    starts,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
  };
}

const unchanged: StackOperationOutcome = { summary: { type: "summary", result: "succeeded", resourceChanges: { same: 20 }, durationSeconds: 1 } };
const changed: StackOperationOutcome = { summary: { type: "summary", result: "succeeded", resourceChanges: { same: 19, update: 1 }, durationSeconds: 1 } };

describe("runFleet: bounded concurrency", () => {
  const ids = ["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10"];
  const tenants = ids.map((id) => tenant(id));

  it("runs at most N at once, starts the next as soon as one ends, and reports every tenant in registry order", async () => {
    const op = controlled();
    const started: string[] = [];
    const finished: TenantReport[] = [];
    let clock = 0;
    const done = runFleet("preview", tenants, op.operation, {
      concurrency: 3,
      now: () => (clock += 1000),
      onStarted: (id) => started.push(id),
      onFinished: (report) => finished.push(report),
    });
    await turn();
    expect(op.starts).toEqual(["t01", "t02", "t03"]);
    expect(started).toEqual(op.starts);

    // Settle out of order, some failing: each end lets exactly one more start, never more.
    const order: [string, "ok" | "changed" | "locked" | "boom"][] = [
      ["t02", "ok"], ["t01", "locked"], ["t04", "changed"], ["t03", "ok"], ["t06", "boom"],
      ["t05", "ok"], ["t07", "ok"], ["t09", "ok"], ["t08", "ok"], ["t10", "ok"],
    ];
    for (const [index, [id, how]] of order.entries()) {
      const run = op.running.get(id);
      expect(run, `${id} should be running`).toBeDefined();
      if (how === "locked") run!.reject(new StackConflictError(`tenant-${id}`, "locked"));
      else if (how === "boom") run!.reject(new Error("the engine failed\nsecond line"));
      else run!.resolve(how === "changed" ? changed : unchanged);
      await turn();
      expect(op.active).toBe(Math.min(3, ids.length - index - 1));
      expect(op.starts.length).toBe(Math.min(ids.length, 3 + index + 1));
    }
    const reports = await done;
    expect(op.maxActive).toBe(3);
    expect(op.starts).toEqual(ids);
    expect(reports.map((r) => r.tenantId)).toEqual(ids);
    expect(finished.map((r) => r.tenantId)).toEqual(order.map(([id]) => id));
    expect(reports.find((r) => r.tenantId === "t01")).toMatchObject({ result: "failed", message: "busy: locked by another process" });
    expect(reports.find((r) => r.tenantId === "t06")).toMatchObject({ result: "failed", message: "the engine failed" });
    expect(reports.find((r) => r.tenantId === "t04")).toMatchObject({ result: "changed", changes: 1 });
    expect(reports.filter((r) => r.result === "unchanged")).toHaveLength(7);
    for (const report of reports) expect(report.durationMs).toBeGreaterThan(0);
  });

  it("concurrency 1 runs them one after another", async () => {
    const op = controlled();
    const done = runFleet("up", tenants.slice(0, 4), op.operation, { concurrency: 1 });
    for (const id of ["t01", "t02", "t03", "t04"]) {
      await turn();
      expect([...op.running.keys()]).toEqual([id]);
      op.running.get(id)!.resolve(unchanged);
    }
    await done;
    expect(op.maxActive).toBe(1);
  });

  it("concurrency above the fleet's size runs them all at once", async () => {
    const op = controlled();
    const done = runFleet("drift", tenants.slice(0, 5), op.operation, { concurrency: 8 });
    await turn();
    expect(op.active).toBe(5);
    for (const run of [...op.running.values()]) run.resolve(changed);
    expect((await done).map((r) => r.result)).toEqual(["drifted", "drifted", "drifted", "drifted", "drifted"]);
  });

  it("an abort reaches the running operations and fails the ones not started, without starting them", async () => {
    const op = controlled();
    const abort = new AbortController();
    const done = runFleet("up", tenants.slice(0, 5), op.operation, { concurrency: 2, signal: abort.signal });
    await turn();
    abort.abort("SIGINT");
    for (const run of [...op.running.values()]) {
      expect(run.hooks.signal?.aborted).toBe(true);
      run.reject(new Error("cancelled"));
    }
    const reports = await done;
    expect(op.starts).toEqual(["t01", "t02"]);
    expect(reports.slice(2)).toEqual(["t03", "t04", "t05"].map((tenantId) => ({ tenantId, result: "failed", message: "cancelled before it started (SIGINT)" })));
  });

  it("refuses a concurrency below 1 and redacts error lines", async () => {
    await expect(runFleet("up", tenants, controlled().operation, { concurrency: 0 })).rejects.toThrow("concurrency must be an integer ≥ 1");
    const failing: TenantOperation = async () => {
      throw new Error("postgres://admin:hunter22@db refused");
    };
    const [report] = await runFleet("up", tenants.slice(0, 1), failing, { concurrency: 1, redact: (text) => text.replace("hunter22", "[redacted]") });
    expect(report?.message).toBe("postgres://admin:[redacted]@db refused");
  });
});
