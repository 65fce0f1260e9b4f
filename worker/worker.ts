/**
 * A worker: registers itself, takes operation jobs from the queue (at most `concurrency` at once)
 * and runs them, beats while it lives, and keeps the drift schedule. When it cannot confirm that
 * it is alive for two thirds of a heartbeat interval, it cancels its running operations itself and
 * stops: another worker takes them over only after a whole interval plus the cancel grace of
 * silence (jobHandler.ts), so their engines have stopped by then.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Job, PgBoss } from "pg-boss";
import {
  beat,
  DRIFT_SWEEP_QUEUE,
  markWorkerStopped,
  OPERATIONS_QUEUE,
  openJobQueue,
  queueDefinitions,
  queueUpdate,
  registerWorker,
  stateBackendIdentity,
  TenantRegistry,
  type OperationJobData,
} from "../controlplane";
import { jobWorkOptions } from "../controlplane";
import type { OperationTimeBounds, WorkerSettings } from "../domain";
import { sweepDrift } from "./driftSweep";
import { handleOperationJob } from "./jobHandler";
import type { RunnerDeps, RunnerLog } from "./operationRunner";
import type { JobStacksFactory } from "./stacks";

/** Who the registry records for the changes a worker makes itself. */
export const WORKER_ACTOR = "worker";

/** What a worker is built from. */
export interface WorkerOptions {
  /** The control plane's URL, as a member of frostbyte_runtime (the queue opens its own pool). */
  readonly controlDbUrl: string;
  readonly pool: pg.Pool;
  readonly settings: WorkerSettings;
  readonly timeBounds: OperationTimeBounds;
  /** The state backend's URL (credentials are never stored). */
  readonly stateBackendUrl: string;
  /** Opens the state backend once, while the worker registers (stacks/stateBackend.ts); none by default. */
  readonly openStateBackend?: () => Promise<void>;
  readonly stacksForJob: JobStacksFactory;
  readonly log: RunnerLog & { info(details: object, message: string): void };
  /** The drift schedule (cron), or undefined for none. */
  readonly driftCron?: string;
  /** Called after every successful `up` with the desired state it applied (operationRunner.ts). */
  readonly onApplied?: RunnerDeps["onApplied"];
  /** This worker's name (default host:pid:random). */
  readonly workerId?: string;
  /** Applied to error texts the worker stores itself (default: none; `frostbyte worker` passes the base config's redactor). */
  readonly redact?: (text: string) => string;
}

/** A running worker. */
export interface Worker {
  readonly workerId: string;
  /** Resolves with the reason when the worker stops taking jobs by itself (it lost the control plane). */
  readonly lost: Promise<string>;
  /** Stops taking jobs, lets running ones finish for `graceMs` (then cancels them), and unregisters. */
  close(graceMs?: number): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { pool, settings, log } = options;
  const host = hostname();
  const workerId = options.workerId ?? `${host}:${process.pid}:${randomBytes(3).toString("hex")}`;
  await registerWorker(pool, { workerId, host, pid: process.pid, stateBackend: stateBackendIdentity(options.stateBackendUrl) }, settings.heartbeatSeconds, options.openStateBackend);
  const stopping = new AbortController();
  let boss: PgBoss | undefined;
  // Every handler in flight, so that close() can wait for them itself.
  const inFlight = new Set<Promise<void>>();
  const tracked = (work: Promise<void>): Promise<void> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };
  const heartbeat = startHeartbeat(pool, workerId, settings.heartbeatSeconds, stopping, log);
  try {
    boss = await openJobQueue(options.controlDbUrl, { kind: "worker", settings, name: workerId }, (error) => log.warn?.({ err: error }, "job queue"));
    for (const queue of queueDefinitions(settings, options.timeBounds)) await boss.updateQueue(queue.name, queueUpdate(queue));
    const registry = new TenantRegistry(pool);
    const deps = {
      pool,
      registry,
      log,
      actor: WORKER_ACTOR,
      workerId,
      stacksForJob: options.stacksForJob,
      stopping: stopping.signal,
      heartbeatSeconds: settings.heartbeatSeconds,
      cancelGraceSeconds: options.timeBounds.cancelGraceSeconds,
      takeovers: settings.takeovers,
      running: new Set<string>(),
      redact: options.redact ?? ((text: string) => text),
      ...(options.onApplied ? { onApplied: options.onApplied } : {}),
    };
    const queue = boss;
    await queue.work<OperationJobData>(OPERATIONS_QUEUE, jobWorkOptions(settings.concurrency), async ([job]: Job<OperationJobData>[]) => {
      if (job) await tracked(handleOperationJob(deps, job));
    });
    await queue.work(DRIFT_SWEEP_QUEUE, jobWorkOptions(1), async () => {
      const enqueued = await sweepDrift(pool, queue);
      log.info({ enqueued }, `drift schedule: ${enqueued.length} drift check(s) enqueued`);
    });
    if (options.driftCron === undefined) await queue.unschedule(DRIFT_SWEEP_QUEUE);
    else await queue.schedule(DRIFT_SWEEP_QUEUE, options.driftCron, null, { tz: "UTC" });
  } catch (error) {
    heartbeat.stop();
    await boss?.stop({ graceful: false }).catch(() => undefined);
    await markWorkerStopped(pool, workerId).catch(() => undefined);
    throw error;
  }
  const queue = boss;
  const lost = new Promise<string>((resolve) => stopping.signal.addEventListener("abort", () => resolve(String(stopping.signal.reason)), { once: true }));
  return {
    workerId,
    lost,
    async close(graceMs = 60_000) {
      // No new job; the running ones get the grace, then their engines are cancelled and they end failed.
      await Promise.all([queue.offWork(OPERATIONS_QUEUE, { wait: false }), queue.offWork(DRIFT_SWEEP_QUEUE, { wait: false })]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      stopping.abort("the worker is shutting down");
      await Promise.all(inFlight);
      await queue.stop({ graceful: true, timeout: 5_000, close: true });
      heartbeat.stop();
      await markWorkerStopped(pool, workerId);
    },
  };
}

/**
 * Beats every sixth of the interval. Beats that fail, or find the worker marked stopped, for two
 * thirds of an interval abort `stopping`: the running operations cancel their engines.
 */
function startHeartbeat(pool: pg.Pool, workerId: string, heartbeatSeconds: number, stopping: AbortController, log: RunnerLog): { stop(): void } {
  let lastConfirmed = Date.now();
  let beating = false;
  const timer = setInterval(() => {
    if (Date.now() - lastConfirmed > (heartbeatSeconds * 2000) / 3 && !stopping.signal.aborted) {
      log.error({ workerId }, "the worker could not confirm it is alive; its running operations are cancelled before another worker takes them over");
      stopping.abort("the worker lost the control plane");
    }
    if (beating) return;
    beating = true;
    void beat(pool, workerId)
      .then(
        (alive) => {
          if (alive) lastConfirmed = Date.now();
        },
        (error: unknown) => log.warn?.({ err: error, workerId }, "could not confirm the worker's heartbeat"),
      )
      .finally(() => (beating = false));
  }, (heartbeatSeconds * 1000) / 6);
  return { stop: () => clearInterval(timer) };
}
