/**
 * A portal and one worker in the test's own process, the way a deployment runs them as two
 * processes: the portal enqueues on the control plane's job queue and streams from the database;
 * the worker takes the jobs and runs them on `stacks` (the real tenant stacks of a project view, or
 * a named test double). The worker's heartbeat is short so a takeover test does not wait long.
 */
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { openJobQueue } from "../../controlplane";
import { DEFAULT_OPERATION_CANCEL_GRACE_SECONDS, DEFAULT_OPERATION_DEADLINE_SECONDS, DEFAULT_WORKER_SETTINGS, type WorkerSettings } from "../../domain";
import { openPortal, startPortal, type Portal, type PortalDeps, type RunningPortal } from "../../portal";
import { startWorker, type OperationStacks, type Worker } from "../../worker";

/** Settings of a test worker: eight jobs at once (some tests leave blocking operations running), taken over soon after a death. */
export const TEST_WORKER_SETTINGS: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, concurrency: 8, heartbeatSeconds: 10, superviseSeconds: 1 };

/** The backend a test double's worker registers (it keeps no stacks). */
const DOUBLE_BACKEND = "file:///test-double-keeps-no-stacks";

export interface WorkerOfTest {
  readonly worker: Worker;
  close(graceMs?: number): Promise<void>;
}

/** Starts a worker in this process on `stacks` (each job gets the same stacks). */
export async function startTestWorker(pool: pg.Pool, controlDbUrl: string, stacks: OperationStacks, settings: WorkerSettings = TEST_WORKER_SETTINGS): Promise<WorkerOfTest> {
  const backend = "workspace" in stacks ? (stacks as { workspace: { settings: { backendUrl: string } } }).workspace.settings.backendUrl : DOUBLE_BACKEND;
  const worker = await startWorker({
    controlDbUrl,
    pool,
    settings,
    timeBounds: stacks.timeBounds ?? { deadlineSeconds: DEFAULT_OPERATION_DEADLINE_SECONDS, cancelGraceSeconds: DEFAULT_OPERATION_CANCEL_GRACE_SECONDS },
    stateBackendUrl: backend,
    stacksForJob: () => Promise.resolve({ stacks, release: () => Promise.resolve() }),
    log: { error: () => undefined, warn: () => undefined, info: () => undefined },
  });
  return { worker, close: (graceMs = 120_000) => worker.close(graceMs) };
}

/** What a portal of a test is opened with (PortalDeps without the queue, which this opens). */
export type TestPortalOptions = Omit<PortalDeps, "queue" | "controlDbUrl">;

/** A portal with its queue producer; `close` closes both. */
export async function openTestPortal(controlDbUrl: string, options: TestPortalOptions): Promise<Portal> {
  const queue = await openJobQueue(controlDbUrl, { kind: "producer" });
  const portal = await openPortal({ ...options, queue, controlDbUrl }).catch(async (error: unknown) => {
    await queue.stop({ graceful: false });
    throw error;
  });
  return { app: portal.app, close: () => closeBoth(portal, queue) };
}

async function closeBoth(portal: Portal, queue: PgBoss): Promise<void> {
  try {
    await portal.close();
  } finally {
    await queue.stop({ graceful: false });
  }
}

/** A portal and a worker in this process; `close` closes the portal, then the worker. */
export interface PortalWithWorker extends Portal {
  readonly worker: WorkerOfTest;
}

/** Starts the worker, then the portal (`open`); the result closes the portal, then the worker. */
async function withWorker<P extends Portal>(worker: WorkerOfTest, open: () => Promise<P>, workerGraceMs: number | undefined): Promise<P & { readonly worker: WorkerOfTest }> {
  const portal = await open().catch(async (error: unknown) => {
    await worker.close(0);
    throw error;
  });
  return {
    ...portal,
    worker,
    close: async () => {
      try {
        await portal.close();
      } finally {
        await worker.close(workerGraceMs);
      }
    },
  };
}

export async function openPortalWithWorker(
  controlDbUrl: string,
  options: TestPortalOptions & { readonly stacks: OperationStacks; readonly workerGraceMs?: number; readonly workerSettings?: WorkerSettings },
): Promise<PortalWithWorker> {
  const { stacks, workerGraceMs, workerSettings, ...portalOptions } = options;
  const worker = await startTestWorker(options.pool, controlDbUrl, stacks, workerSettings);
  return withWorker(worker, () => openTestPortal(controlDbUrl, portalOptions), workerGraceMs);
}

/** A listening portal (startPortal, its own pool) and a worker in this process. */
export async function startPortalWithWorker(
  pool: pg.Pool,
  options: Parameters<typeof startPortal>[0] & { readonly stacks: OperationStacks; readonly workerGraceMs?: number },
): Promise<RunningPortal & { readonly worker: WorkerOfTest }> {
  const { stacks, workerGraceMs, ...portalOptions } = options;
  const worker = await startTestWorker(pool, options.controlDbUrl, stacks);
  return withWorker(worker, () => startPortal(portalOptions), workerGraceMs);
}
