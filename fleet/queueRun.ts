/**
 * Runs a fleet command through the job queue: one operation per tenant, enqueued while fewer than
 * `concurrency` of this run's operations are queued or running, then followed by reading their rows
 * every `pollMs` until each has ended. Workers run them (any number, on any host); this process runs
 * no engine. Each tenant is reported as its operation starts and ends; one tenant's failure never
 * stops the others. A tenant the control plane refuses as busy (another operation queued or running)
 * is reported failed with `busy: …`. Aborting the signal enqueues nothing more and stops following:
 * tenants not enqueued are reported failed, and operations already enqueued are left to the workers
 * (reported failed with their id and state, so the operator can follow them).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { OperationInProgressError, type Operation } from "../controlplane";
import type { FleetCommand } from "./command";
import { classifyOperation, errorFirstLine } from "./outcome";
import type { TenantReport } from "./report";

/** What the run does with the control plane: enqueue one tenant's operation, read operations back. */
export interface FleetQueue {
  /** Enqueues the tenant's operation; OperationInProgressError when the tenant is busy. */
  enqueue(tenantId: string): Promise<Operation>;
  /** The operations with these ids, as stored now. */
  read(operationIds: readonly string[]): Promise<readonly Operation[]>;
}

/** Options of {@link runFleetOnQueue}. */
export interface QueueRunOptions {
  /** At most this many of the run's operations queued or running at once (≥ 1). */
  readonly concurrency: number;
  /** How often the operations are read back (default 500 ms). */
  readonly pollMs?: number;
  /** When a worker starts the tenant's operation. */
  readonly onStarted?: (tenantId: string) => void;
  readonly onFinished?: (report: TenantReport) => void;
  /** Aborting it stops enqueueing and following (see above). */
  readonly signal?: AbortSignal;
  /** Applied to every error line (errors stored by workers are redacted already; this covers the rest). */
  readonly redact?: (text: string) => string;
  /** Reads that fail in a row before the run gives up (default 20: ten seconds at 500 ms). */
  readonly readFailures?: number;
}

const ENDED = new Set(["succeeded", "failed"]);

interface Followed {
  readonly tenantId: string;
  state: Operation["state"];
  started: boolean;
}

/** Runs `command` on every tenant through `queue`; resolves with one report per tenant, in the given order. */
export async function runFleetOnQueue(command: FleetCommand, tenantIds: readonly string[], queue: FleetQueue, options: QueueRunOptions): Promise<TenantReport[]> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be an integer ≥ 1, not ${options.concurrency}`);
  const redact = options.redact ?? ((text: string) => text);
  const pollMs = options.pollMs ?? 500;
  const reports = new Map<string, TenantReport>();
  const finish = (report: TenantReport) => {
    reports.set(report.tenantId, report);
    options.onFinished?.(report);
  };
  const pending = [...tenantIds];
  const followed = new Map<string, Followed>();
  let failedReads = 0;

  for (;;) {
    while (!options.signal?.aborted && followed.size < options.concurrency && pending.length > 0) {
      const tenantId = pending.shift() as string;
      try {
        const operation = await queue.enqueue(tenantId);
        followed.set(operation.operationId, { tenantId, state: operation.state, started: false });
      } catch (error) {
        const message = error instanceof OperationInProgressError ? "busy: another operation is queued or running on it" : errorFirstLine(error);
        finish({ tenantId, result: "failed", message: redact(message) });
      }
    }
    if (options.signal?.aborted) {
      const why = String(options.signal.reason);
      for (const tenantId of pending) finish({ tenantId, result: "failed", message: `cancelled before it was enqueued (${why})` });
      for (const [operationId, { tenantId, state }] of followed) finish({ tenantId, result: "failed", message: `not followed to its end (${why}): operation ${operationId} is ${state} on the workers` });
      break;
    }
    if (followed.size === 0) break;
    await sleep(pollMs, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
    if (options.signal?.aborted) continue;
    let operations: readonly Operation[];
    try {
      operations = await queue.read([...followed.keys()]);
      failedReads = 0;
    } catch (error) {
      failedReads += 1;
      if (failedReads >= (options.readFailures ?? 20)) throw error;
      continue;
    }
    for (const operation of operations) {
      const entry = followed.get(operation.operationId);
      if (entry === undefined) continue;
      entry.state = operation.state;
      if (operation.state !== "queued" && !entry.started) {
        entry.started = true;
        options.onStarted?.(entry.tenantId);
      }
      if (!ENDED.has(operation.state)) continue;
      followed.delete(operation.operationId);
      const { error, ...classified } = classifyOperation(command, operation);
      const durationMs = operation.startedAt && operation.finishedAt ? operation.finishedAt.getTime() - operation.startedAt.getTime() : undefined;
      finish({ tenantId: entry.tenantId, ...classified, ...(durationMs !== undefined ? { durationMs } : {}), ...(error !== undefined ? { message: redact(error) } : {}) });
    }
  }
  return tenantIds.flatMap((tenantId) => reports.get(tenantId) ?? []);
}
