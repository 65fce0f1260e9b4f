/** `frostbyte worker`: takes operation jobs from the queue and runs them (issue #15). */
export { DRIFT_SCHEDULE_ACTOR, sweepDrift } from "./driftSweep";
export { handleOperationJob, type JobHandlerDeps } from "./jobHandler";
export { runAttempt, type Attempt, type RunnerDeps, type RunnerLog } from "./operationRunner";
export { settleFailedOperation, completeDeprovisioning } from "./settle";
export type { JobStacks, JobStacksFactory, OperationStacks } from "./stacks";
export { jobStacksFactory } from "./jobStacks";
export { startWorker, WORKER_ACTOR, type Worker, type WorkerOptions } from "./worker";
