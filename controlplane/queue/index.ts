/** The job queue (issue #15): operations as pg-boss jobs, the workers that take them, their attempts. */
export { attemptsOfTenant, closeAttempt, closeFinishedAttempts, closeLostAttempts, openAttempt, openAttemptsOf, TenantAttemptOpenError, type AttemptOutcome, type OpenAttempt, type OperationAttempt } from "./attempts";
export { enqueueOperation, type OperationJobData, type OperationRequest } from "./enqueue";
export { installJobQueue } from "./install";
export { JOB_POLL_SECONDS, jobWorkOptions, openJobQueue, type JobQueueRole } from "./jobQueue";
export { DRIFT_SWEEP_QUEUE, OPERATION_PROGRESS_CHANNEL, OPERATIONS_QUEUE, QUEUE_SCHEMA } from "./names";
export { queueDefinitions, queueUpdate } from "./queues";
export { backendConflict, beat, listWorkers, liveWorkers, markWorkerStopped, registerWorker, stateBackendIdentity, WorkerBackendConflictError, type WorkerRecord } from "./workers";
