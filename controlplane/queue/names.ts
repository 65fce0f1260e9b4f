/** Where the job queue lives in the control-plane database, and its queues. */

/** The schema pg-boss keeps its tables in (installed by install.ts as the migration role). */
export const QUEUE_SCHEMA = "frostbyte_queue";

/** One job per tenant operation (its id is the operation's id); workers take them. */
export const OPERATIONS_QUEUE = "tenant-operations";

/** The drift schedule's job: a worker takes it and enqueues one `drift` operation per active tenant. */
export const DRIFT_SWEEP_QUEUE = "drift-sweep";

/** The channel migration 013 notifies on (payload: the operation id) for each progress event and state change. */
export const OPERATION_PROGRESS_CHANNEL = "frostbyte_operation_progress";
