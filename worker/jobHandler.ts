/**
 * One job of the operations queue on this worker. A job pg-boss hands out again was started by a
 * worker that stopped answering (killed, host lost, cut off from the control plane): this worker
 * fences it out of the operation's row, waits until that worker has been silent for a heartbeat
 * interval plus the engine's cancel grace (a worker cut off from the control plane cancels its own
 * engines meanwhile, worker.ts), closes its attempt as `lost`, records the failure on the tenant
 * (naming the lost worker), clears the stack lock the lost engine left on that tenant's stack, and
 * runs the operation again — until the takeovers allowed (FROSTBYTE_WORKER_TAKEOVERS) are used up,
 * when the operation fails for good.
 */
import type { Job } from "pg-boss";
import { setTimeout as sleep } from "node:timers/promises";
import {
  closeAttempt,
  closeFinishedAttempts,
  closeLostAttempts,
  getOperation,
  markFailed,
  markRunning,
  openAttempt,
  openAttemptsOf,
  OperationClaimLostError,
  type OpenAttempt,
  type Operation,
  type OperationJobData,
} from "../controlplane";
import { TenantStackNotFoundError } from "../stacks";
import { runAttempt, type RunnerDeps } from "./operationRunner";
import { settleFailedOperation } from "./settle";
import type { JobStacksFactory } from "./stacks";

/** What the handler needs beyond the runner's dependencies. */
export interface JobHandlerDeps extends RunnerDeps {
  readonly stacksForJob: JobStacksFactory;
  /** Aborted when the worker stops or can no longer confirm it is alive. */
  readonly stopping: AbortSignal;
  readonly heartbeatSeconds: number;
  /** How long a cancelled engine may take to stop (FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS). */
  readonly cancelGraceSeconds: number;
  readonly takeovers: number;
  /** The operations this worker runs now (this handler adds and removes its own). */
  readonly running: Set<string>;
  /** Applied to an error text the worker stores before a job's stacks exist (the base config's secrets). */
  readonly redact: (text: string) => string;
}

/**
 * Waits until every other worker with an open attempt on the operation has stopped, or been silent
 * for a heartbeat interval plus the cancel grace, then closes those attempts as lost; returns their
 * workers. An attempt its own worker closes meanwhile (it saw its claim go) is not lost; an attempt
 * of this very worker that it no longer runs is lost at once.
 */
async function lostAttempts(deps: JobHandlerDeps, operationId: string): Promise<string[]> {
  const quietMs = (deps.heartbeatSeconds + deps.cancelGraceSeconds) * 1000;
  // This worker runs each operation once at a time (handleOperationJob): an attempt of its own is one it no longer runs.
  const gone = (attempt: OpenAttempt): boolean => attempt.workerId === deps.workerId || attempt.workerStopped || attempt.silentMs >= quietMs;
  for (;;) {
    const open = await openAttemptsOf(deps.pool, operationId);
    if (open.every(gone)) break;
    deps.stopping.throwIfAborted();
    await sleep(1000);
  }
  return (await closeLostAttempts(deps.pool, operationId)).map((attempt) => attempt.workerId);
}

/** What the tenant's record says about a lost attempt. */
function takeoverNote(lost: readonly string[], deps: JobHandlerDeps, attempt: number): string {
  const who = lost.length > 0 ? `worker ${lost.join(", ")}` : "its worker";
  return `${who} stopped answering (no heartbeat for ${deps.heartbeatSeconds} s); worker ${deps.workerId} takes the operation over (attempt ${attempt})`;
}

/** Runs the job's operation; resolves when it has ended (or was found ended). */
export async function handleOperationJob(deps: JobHandlerDeps, job: Job<OperationJobData>): Promise<void> {
  const operationId = job.data.operationId;
  if (deps.running.has(operationId)) return;
  deps.running.add(operationId);
  try {
    await handle(deps, job);
  } finally {
    deps.running.delete(operationId);
  }
}

async function handle(deps: JobHandlerDeps, job: Job<OperationJobData>): Promise<void> {
  const { pool, registry, log } = deps;
  const queued = await getOperation(pool, job.data.operationId);
  if (queued === undefined || queued.state === "succeeded" || queued.state === "failed") return;
  const attempt = queued.attempt + 1;
  let operation: Operation;
  try {
    // Claiming the row first fences the lost worker out: nothing it still writes can end the operation.
    operation = await markRunning(pool, queued.operationId, deps.workerId, attempt);
  } catch (error) {
    if (error instanceof OperationClaimLostError) return;
    throw error;
  }
  const takenOver = queued.state === "running";
  if (takenOver) {
    const lost = await lostAttempts(deps, operation.operationId);
    const note = takeoverNote(lost, deps, attempt);
    log.error({ operationId: operation.operationId, tenantId: operation.tenantId, lost }, note);
    await settleFailedOperation(registry, operation, note, deps.actor);
    if (attempt > deps.takeovers + 1) {
      await markFailed(pool, operation.operationId, `${note}; no takeover is left (FROSTBYTE_WORKER_TAKEOVERS=${deps.takeovers})`, null, deps.workerId);
      return;
    }
  }
  let opened = false;
  try {
    const { stacks, release } = await deps.stacksForJob();
    try {
      const reservation = stacks.reserve(operation.tenantId, `${operation.kind} ${operation.operationId}`);
      try {
        if (takenOver) {
          await stacks.cancelStaleUpdate(reservation).catch((error: unknown) => {
            if (!(error instanceof TenantStackNotFoundError)) log.error({ err: error, tenantId: operation.tenantId }, "could not clear the lost worker's stack lock");
          });
        }
        // An attempt left open by an operation that has ended (its end was recorded, its own was not) blocks nothing.
        await closeFinishedAttempts(pool, operation.tenantId);
        await openAttempt(pool, { operationId: operation.operationId, attempt, tenantId: operation.tenantId, workerId: deps.workerId });
        opened = true;
      } catch (error) {
        reservation.release();
        throw error;
      }
      await runAttempt(deps, { operation, attempt, stacks, reservation, signal: AbortSignal.any([job.signal, deps.stopping]) });
    } finally {
      await release();
    }
  } catch (error) {
    // Before the engine ran (no job workspace, no reservation, no attempt): the operation ends failed
    // here; when even that cannot be written, the job fails and pg-boss hands it out again.
    const text = deps.redact(error instanceof Error ? error.message : String(error));
    log.error({ err: error, operationId: operation.operationId }, "the operation could not be started");
    await settleFailedOperation(registry, operation, text, deps.actor);
    await markFailed(pool, operation.operationId, `the worker could not start the operation: ${text}`, null, deps.workerId);
    if (opened) await closeAttempt(pool, operation.operationId, attempt, "failed");
  }
}
