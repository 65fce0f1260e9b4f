/**
 * Figures of one phase of `npm run bench:workers` from the operations table's rows: throughput,
 * operation time, the queue's cost (enqueue → start, and the pickup once a worker had a free slot),
 * the spread over workers, the failures. Pure, so the arithmetic is tested on its own.
 */

/** What the bench reads of one operation. */
export interface TimedOperation {
  readonly operationId: string;
  readonly tenantId: string;
  readonly state: string;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly workerId: string | null;
  readonly attempt: number;
  readonly error: string | null;
}

export interface PhaseFigures {
  readonly operations: number;
  readonly succeeded: number;
  /** First enqueue (created_at) to last finish. */
  readonly wallMs: number;
  /** Succeeded operations per minute of {@link wallMs}. */
  readonly perMinute: number;
  /** finished_at − started_at. */
  readonly runMs: readonly number[];
  /** started_at − created_at: waiting behind other jobs included. */
  readonly enqueueToStartMs: readonly number[];
  /** started_at − max(created_at, when its worker last got a free slot): the queue's cost without the backlog. */
  readonly pickupMs: readonly number[];
  /** Operations per worker id. */
  readonly perWorker: ReadonlyMap<string, number>;
  /** The most operations running at once (all workers). */
  readonly mostAtOnce: number;
  /** Operations taken over by another worker (attempt > 1). */
  readonly takenOver: number;
  /** Failed or unfinished operations: tenant and the error's first line. */
  readonly failures: readonly { readonly tenantId: string; readonly error: string }[];
}

/** The `q` quantile (0–1) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

type Ran = TimedOperation & { readonly startedAt: Date; readonly finishedAt: Date };
const ran = (operation: TimedOperation): operation is Ran => operation.startedAt !== null && operation.finishedAt !== null;

/**
 * When the worker of `operation` last got a free slot before the operation started: the last
 * moment its running count fell below `concurrency` (it stayed below since), or undefined when it
 * never ran `concurrency` operations at once before.
 */
export function lastFreeSlot(operation: Ran, sameWorker: readonly Ran[], concurrency: number): number | undefined {
  const start = operation.startedAt.getTime();
  const events = sameWorker
    .filter((other) => other.operationId !== operation.operationId)
    .flatMap((other) => [
      { at: other.startedAt.getTime(), delta: 1 },
      { at: other.finishedAt.getTime(), delta: -1 },
    ])
    .filter((event) => event.at < start || (event.delta < 0 && event.at === start))
    // Finishes before starts at the same moment: a slot freed and taken at once.
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let freed: number | undefined;
  for (const event of events) {
    const before = running;
    running += event.delta;
    if (before >= concurrency && running < concurrency) freed = event.at;
  }
  return freed;
}

/** The most intervals [startedAt, finishedAt) overlapping at one moment. */
function mostAtOnce(operations: readonly Ran[]): number {
  const events = operations.flatMap((o) => [
    { at: o.startedAt.getTime(), delta: 1 },
    { at: o.finishedAt.getTime(), delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const event of events) {
    running += event.delta;
    most = Math.max(most, running);
  }
  return most;
}

const firstLine = (text: string) => text.split("\n")[0] ?? "";

/** The figures of one phase; `concurrency` is each worker's FROSTBYTE_WORKER_CONCURRENCY. */
export function phaseFigures(operations: readonly TimedOperation[], concurrency: number): PhaseFigures {
  const finished = operations.filter(ran);
  const succeeded = finished.filter((o) => o.state === "succeeded");
  const first = Math.min(...operations.map((o) => o.createdAt.getTime()));
  const last = Math.max(...finished.map((o) => o.finishedAt.getTime()));
  const wallMs = finished.length > 0 ? last - first : NaN;
  const byWorker = new Map<string, Ran[]>();
  for (const o of finished) byWorker.set(o.workerId ?? "(none)", [...(byWorker.get(o.workerId ?? "(none)") ?? []), o]);
  const pickupMs = finished.map((o) => {
    const freed = lastFreeSlot(o, byWorker.get(o.workerId ?? "(none)") ?? [], concurrency);
    return o.startedAt.getTime() - Math.max(o.createdAt.getTime(), freed ?? -Infinity);
  });
  return {
    operations: operations.length,
    succeeded: succeeded.length,
    wallMs,
    perMinute: succeeded.length / (wallMs / 60_000),
    runMs: finished.map((o) => o.finishedAt.getTime() - o.startedAt.getTime()),
    enqueueToStartMs: finished.map((o) => o.startedAt.getTime() - o.createdAt.getTime()),
    pickupMs,
    perWorker: new Map([...byWorker].map(([worker, list]) => [worker, list.length])),
    mostAtOnce: mostAtOnce(finished),
    takenOver: operations.filter((o) => o.attempt > 1).length,
    failures: operations
      .filter((o) => o.state !== "succeeded")
      .map((o) => ({ tenantId: o.tenantId, error: o.state === "failed" ? firstLine(o.error ?? "(no error recorded)") : `still ${o.state}` })),
  };
}
