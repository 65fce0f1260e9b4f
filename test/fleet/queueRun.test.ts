/**
 * runFleetOnQueue (fleet/queueRun.ts) over a queue double whose operations the test settles by
 * hand: at most N of the run's operations queued or running, each tenant reported as it starts and
 * ends, busy tenants refused, results classified from the stored rows, and an abort that enqueues
 * nothing more. The real queue and workers: test/fleet/queueFleet.test.ts and test/e2e/fleet.test.ts.
 */
import { describe, expect, it } from "vitest";
import { OperationInProgressError, type Operation } from "../../controlplane";
import { runFleetOnQueue, type FleetQueue, type TenantReport } from "../../fleet";

/** A queue whose operations stay where the test puts them. */
class QueueDouble implements FleetQueue {
  readonly operations = new Map<string, Operation>();
  readonly busy = new Set<string>();
  readonly enqueued: string[] = [];
  private next = 1;

  enqueue(tenantId: string): Promise<Operation> {
    if (this.busy.has(tenantId)) return Promise.reject(new OperationInProgressError(tenantId));
    const operationId = `op-${this.next++}`;
    const operation: Operation = { operationId, tenantId, kind: "preview", state: "queued", actor: "fleet", createdAt: new Date(0), startedAt: null, finishedAt: null, error: null, result: null, workerId: null, attempt: 0 };
    this.operations.set(operationId, operation);
    this.enqueued.push(tenantId);
    return Promise.resolve(operation);
  }

  read(ids: readonly string[]): Promise<Operation[]> {
    return Promise.resolve(ids.flatMap((id) => this.operations.get(id) ?? []));
  }

  /** The tenant's operation. */
  of(tenantId: string): Operation {
    const found = [...this.operations.values()].find((operation) => operation.tenantId === tenantId);
    if (!found) throw new Error(`${tenantId} was not enqueued`);
    return found;
  }

  private set(tenantId: string, change: Partial<Operation>): void {
    const operation = this.of(tenantId);
    this.operations.set(operation.operationId, { ...operation, ...change });
  }

  start(tenantId: string): void {
    this.set(tenantId, { state: "running", startedAt: new Date(1_000), workerId: "w1", attempt: 1 });
  }

  succeed(tenantId: string, resourceChanges: Record<string, number>): void {
    this.set(tenantId, { state: "succeeded", startedAt: this.of(tenantId).startedAt ?? new Date(1_000), finishedAt: new Date(3_500), result: { tenantState: "ACTIVE", summary: { result: "succeeded", resourceChanges, durationSeconds: 2 } } });
  }

  fail(tenantId: string, error: string): void {
    this.set(tenantId, { state: "failed", startedAt: this.of(tenantId).startedAt ?? new Date(1_000), finishedAt: new Date(2_000), error });
  }
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

describe("runFleetOnQueue", () => {
  it("keeps at most N operations queued or running, enqueues the next as one ends, reports each as it starts and ends, in registry order", async () => {
    const queue = new QueueDouble();
    const events: string[] = [];
    const run = runFleetOnQueue("preview", ["acme", "globex", "hooli"], queue, {
      concurrency: 2,
      pollMs: 5,
      onStarted: (id) => events.push(`started ${id}`),
      onFinished: (report) => events.push(`finished ${report.tenantId} ${report.result}`),
    });
    await until(() => queue.enqueued.length === 2);
    expect(queue.enqueued).toEqual(["acme", "globex"]);
    queue.start("globex");
    await until(() => events.includes("started globex"));
    queue.succeed("globex", { same: 3, update: 1 });
    await until(() => queue.enqueued.length === 3);
    queue.start("acme");
    queue.succeed("acme", { same: 4 });
    queue.fail("hooli", 'stack "tenant-hooli" is locked by another update (another process is running an operation on it)\nmore');
    const reports = await run;
    expect(reports).toEqual<TenantReport[]>([
      { tenantId: "acme", result: "unchanged", changes: 0, breakdown: "", durationMs: 2_500 },
      { tenantId: "globex", result: "changed", changes: 1, breakdown: "update 1", durationMs: 2_500 },
      { tenantId: "hooli", result: "failed", durationMs: 1_000, message: "busy: locked by another process" },
    ]);
    expect(events).toEqual(["started globex", "finished globex changed", "started acme", "finished acme unchanged", "started hooli", "finished hooli failed"]);
  });

  it("drift: changes are drifted; a failed operation gives its error's first line, redacted; an operation that sent no summary failed", async () => {
    const queue = new QueueDouble();
    const run = runFleetOnQueue("drift", ["acme", "globex", "hooli"], queue, { concurrency: 3, pollMs: 5, redact: (text) => text.replaceAll("s3cret", "[secret]") });
    await until(() => queue.enqueued.length === 3);
    queue.succeed("acme", { update: 1 });
    queue.fail("globex", "\n  refresh failed: token s3cret lacks read access\nstack trace");
    queue.start("hooli");
    const hooli = queue.of("hooli");
    queue.operations.set(hooli.operationId, { ...hooli, state: "succeeded", finishedAt: new Date(2_000), result: { tenantState: "ACTIVE" } });
    const reports = await run;
    expect(reports.map(({ tenantId, result, message }) => ({ tenantId, result, message }))).toEqual([
      { tenantId: "acme", result: "drifted", message: undefined },
      { tenantId: "globex", result: "failed", message: "refresh failed: token [secret] lacks read access" },
      { tenantId: "hooli", result: "failed", message: "the engine sent no summary" },
    ]);
  });

  it("a tenant the control plane refuses as busy is failed with busy: …, and the others still run", async () => {
    const queue = new QueueDouble();
    queue.busy.add("acme");
    const run = runFleetOnQueue("up", ["acme", "globex"], queue, { concurrency: 1, pollMs: 5 });
    await until(() => queue.enqueued.includes("globex"));
    queue.succeed("globex", { update: 2 });
    expect(await run).toEqual([
      { tenantId: "acme", result: "failed", message: "busy: another operation is queued or running on it" },
      { tenantId: "globex", result: "changed", changes: 2, breakdown: "update 2", durationMs: 2_500 },
    ]);
  });

  it("an abort enqueues nothing more: tenants not enqueued are failed, enqueued ones are left to the workers with their id", async () => {
    const queue = new QueueDouble();
    const abort = new AbortController();
    const run = runFleetOnQueue("up", ["acme", "globex", "hooli"], queue, { concurrency: 1, pollMs: 5, signal: abort.signal });
    await until(() => queue.enqueued.length === 1);
    queue.start("acme");
    await new Promise((resolve) => setTimeout(resolve, 30));
    abort.abort("SIGINT");
    const reports = await run;
    expect(queue.enqueued).toEqual(["acme"]);
    expect(reports).toEqual([
      { tenantId: "acme", result: "failed", message: "not followed to its end (SIGINT): operation op-1 is running on the workers" },
      { tenantId: "globex", result: "failed", message: "cancelled before it was enqueued (SIGINT)" },
      { tenantId: "hooli", result: "failed", message: "cancelled before it was enqueued (SIGINT)" },
    ]);
  });

  it("refuses a concurrency below 1", async () => {
    await expect(runFleetOnQueue("up", [], new QueueDouble(), { concurrency: 0 })).rejects.toThrow("concurrency must be an integer ≥ 1, not 0");
  });
});
