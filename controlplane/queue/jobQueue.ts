/**
 * The job queue as the services use it: pg-boss on the control-plane database, in the schema
 * install.ts set up, without its own migrations (the runtime role has DML only). A producer (a
 * portal, `frostbyte fleet`) only sends; a worker also supervises: it finds jobs whose worker
 * stopped answering and hands them to another, and keeps the drift schedule.
 */
import { PgBoss } from "pg-boss";
import { WORKER_POLL_SECONDS, type WorkerSettings } from "../../domain";
import { controlPlaneClientConfig } from "../db";
import { QUEUE_SCHEMA } from "./names";

/** What the process does with the queue. */
export type JobQueueRole = { readonly kind: "producer" } | { readonly kind: "worker"; readonly settings: WorkerSettings; readonly name: string };

/** Starts pg-boss for `role`; errors of its background loops go to `onError`. */
export async function openJobQueue(url: string, role: JobQueueRole, onError: (error: Error) => void = () => undefined): Promise<PgBoss> {
  const config = controlPlaneClientConfig(url);
  const worker = role.kind === "worker" ? role : undefined;
  const boss = new PgBoss({
    connectionString: config.connectionString,
    connectionTimeoutMillis: config.connectionTimeoutMillis,
    schema: QUEUE_SCHEMA,
    max: worker ? worker.settings.concurrency + 3 : 3,
    application_name: worker ? `frostbyte-worker ${worker.name}` : "frostbyte-producer",
    migrate: false,
    createSchema: false,
    supervise: worker !== undefined,
    schedule: worker !== undefined,
    reindex: false,
    monitorVacuum: false,
    useListenNotify: worker !== undefined,
    registerInstance: false,
    ...(worker ? { superviseIntervalSeconds: worker.settings.superviseSeconds, monitorIntervalSeconds: worker.settings.superviseSeconds, instanceName: worker.name } : {}),
  });
  boss.on("error", onError);
  await boss.start();
  return boss;
}

/** pg-boss's polling interval for workers (notifications wake them sooner). */
export const JOB_POLL_SECONDS = WORKER_POLL_SECONDS;

/**
 * How a worker takes the jobs of a queue: `localConcurrency` at once, asking every
 * {@link JOB_POLL_SECONDS} however notifications go. pg-boss's NOTIFY fires when a job is sent, and
 * it then stretches polling to a 30 s backstop; but a job also becomes runnable without a send: when
 * its tenant's earlier job completes (the queue runs one per tenant), or when a takeover is due.
 * An idle worker would then leave it waiting for up to the backstop.
 */
export function jobWorkOptions(localConcurrency: number): { localConcurrency: number; pollingIntervalSeconds: number; notifyPollingIntervalSeconds: number } {
  return { localConcurrency, pollingIntervalSeconds: JOB_POLL_SECONDS, notifyPollingIntervalSeconds: JOB_POLL_SECONDS };
}
