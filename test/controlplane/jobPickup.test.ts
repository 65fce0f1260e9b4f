/**
 * A job held back behind its tenant's running job (one job per tenant at a time) is taken within a
 * poll interval once that job completes, by any worker, though no NOTIFY announces it: real pg-boss
 * on a real control plane, two worker instances with the workers' own work options.
 */
import type { Job, PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobWorkOptions, OPERATIONS_QUEUE, openJobQueue, type OperationJobData } from "../../controlplane";
import { DEFAULT_WORKER_SETTINGS } from "../../domain";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let producer: PgBoss;
const workers: PgBoss[] = [];

/** pg-boss stretches polling to this once NOTIFY is in use, unless told otherwise. */
const PG_BOSS_NOTIFY_BACKSTOP_MS = 30_000;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  producer = await openJobQueue(db.runtimeUrl, { kind: "producer" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop({ graceful: false })));
  await producer?.stop({ graceful: false });
  await db?.close();
  await server?.stop();
});

describe("taking a job held back behind its tenant's running job", () => {
  it("an idle worker takes it within a poll interval of the earlier job's completion, when the worker that ran that one takes no more", async () => {
    const started = new Map<string, { at: number; worker: number }>();
    const gates = new Map<string, () => void>();
    for (const index of [0, 1]) {
      const worker = await openJobQueue(db.runtimeUrl, { kind: "worker", settings: { ...DEFAULT_WORKER_SETTINGS, concurrency: 1 }, name: `pickup-${index}` });
      workers.push(worker);
      await worker.work<OperationJobData>(OPERATIONS_QUEUE, jobWorkOptions(1), async ([job]: Job<OperationJobData>[]) => {
        if (!job) return;
        started.set(job.data.operationId, { at: Date.now(), worker: index });
        await new Promise<void>((resolve) => gates.set(job.data.operationId, resolve));
      });
    }
    const waitFor = async (what: () => boolean) => {
      while (!what()) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const send = (operationId: string) => producer.send(OPERATIONS_QUEUE, { operationId }, { id: operationId, singletonKey: "acme" });
    await send("00000000-0000-4000-8000-000000000001");
    await waitFor(() => started.has("00000000-0000-4000-8000-000000000001"));
    const first = started.get("00000000-0000-4000-8000-000000000001")!;
    // The second job of the same tenant waits; its NOTIFY woke the idle worker, which found nothing to take.
    await send("00000000-0000-4000-8000-000000000002");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(started.has("00000000-0000-4000-8000-000000000002")).toBe(false);
    // The worker that ran the first job stops taking jobs (a graceful shutdown), then that job completes.
    await workers[first.worker]!.offWork(OPERATIONS_QUEUE, { wait: false });
    const completedAt = Date.now();
    gates.get("00000000-0000-4000-8000-000000000001")!();
    await waitFor(() => started.has("00000000-0000-4000-8000-000000000002"));
    const second = started.get("00000000-0000-4000-8000-000000000002")!;
    expect(second.worker).not.toBe(first.worker);
    expect(second.at - completedAt).toBeLessThan(PG_BOSS_NOTIFY_BACKSTOP_MS / 3);
    gates.get("00000000-0000-4000-8000-000000000002")!();
  }, 60_000);
});
