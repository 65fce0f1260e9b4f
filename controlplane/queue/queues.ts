/** The queues' pg-boss options: what install.ts creates and what each starting worker writes back. */
import type { Queue, UpdateQueueOptions } from "pg-boss";
import { DEFAULT_OPERATION_CANCEL_GRACE_SECONDS, DEFAULT_OPERATION_DEADLINE_SECONDS, DEFAULT_WORKER_SETTINGS, type OperationTimeBounds, type WorkerSettings } from "../../domain";
import { DRIFT_SWEEP_QUEUE, OPERATIONS_QUEUE } from "./names";

/** Time a job may stay active beyond its operation's deadline and cancel grace: the worker's own bookkeeping. */
const BOOKKEEPING_MARGIN_SECONDS = 300;
/** pg-boss's longest expiration (24 hours); a longer deadline is still kept by the worker itself. */
const MAX_EXPIRE_SECONDS = 24 * 3600;

/** The queues of the job queue, for these worker settings and operation time bounds. */
export function queueDefinitions(
  worker: WorkerSettings = DEFAULT_WORKER_SETTINGS,
  bounds: OperationTimeBounds = { deadlineSeconds: DEFAULT_OPERATION_DEADLINE_SECONDS, cancelGraceSeconds: DEFAULT_OPERATION_CANCEL_GRACE_SECONDS },
): Queue[] {
  return [
    {
      name: OPERATIONS_QUEUE,
      // One active job per singletonKey (the tenant id), however many wait.
      policy: "singleton",
      heartbeatSeconds: worker.heartbeatSeconds,
      // A retry is a takeover only: an operation that fails settles itself and completes its job.
      retryLimit: worker.takeovers + 1,
      retryDelay: 0,
      expireInSeconds: Math.min(bounds.deadlineSeconds + bounds.cancelGraceSeconds + BOOKKEEPING_MARGIN_SECONDS, MAX_EXPIRE_SECONDS),
      notify: true,
    },
    // At most one sweep queued or running: a slow sweep never piles up behind itself.
    { name: DRIFT_SWEEP_QUEUE, policy: "stately", retryLimit: 1, expireInSeconds: 600, notify: true },
  ];
}

/** What `updateQueue` may change of a queue: everything but its name and policy. */
export function queueUpdate(queue: Queue): UpdateQueueOptions {
  const { name: _name, policy: _policy, partition: _partition, ...update } = queue;
  return update;
}
