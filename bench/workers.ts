#!/usr/bin/env node
/**
 * `npm run bench:workers` (issue #15): operations as jobs, run by 1, 2 and 4 `frostbyte worker`
 * processes, against the local environment (real PostgreSQL, Redis and MinIO; Hetzner Cloud and
 * Qdrant API test doubles on loopback) with the stacks on Pulumi's PostgreSQL DIY backend.
 *
 * For each number of workers W: start W workers, provision N tenants (enqueued as the portal does:
 * the tenant is created in the registry under the tenant's claim), wait for all; preview each, wait;
 * deprovision each, wait; stop the workers. All rounds share one control plane, as a deployment
 * would; each round has tenant ids of its own and deprovisions them, so the stores hold no tenant of
 * an earlier round. Per phase it prints tenants per minute, operation time, the queue's cost and
 * the spread over workers (bench/operationFigures.ts), then the fleet preview of 1,000 registry
 * tenants through the skip (bench/fleetSkip.ts, on a fresh control-plane database of the same
 * server), then what limits the figures.
 *
 * Run after `npm run build`: `node bin/bench/workers.js [--tenants 20] [--workers 1,2,4]
 * [--concurrency 2] [--skip-tenants 1000] [--skip-changed 10]` (or BENCH_TENANTS, BENCH_WORKERS,
 * BENCH_WORKER_CONCURRENCY). The workers run a copy of bin/ in a temp project directory; nothing
 * is written into the repository.
 */
import { writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createControlPlaneDatabase } from "../test/support/controlPlaneDb";
import { enqueueOperation, openJobQueue, type TenantRegistry } from "../controlplane";
import { baseConfigFromValues } from "../stacks";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../test/e2e/support/localEnvironment";
import { startWorkerProcess, type WorkerProcess } from "../test/e2e/support/workerProcess";
import { ensureEngine } from "../test/stacks/support/engine";
import { formatFleetSkip, measureFleetSkip, type FleetSkipFigures } from "./fleetSkip";
import { percentile, phaseFigures, type PhaseFigures, type TimedOperation } from "./operationFigures";
import { copyBuiltProject, type ProjectCopy } from "./projectCopy";
import { measureStartupCosts, type StartupCost } from "./startupCosts";
import { seconds as secs, table } from "./stats";

const PASSPHRASE = "frostbyte-bench-workers";
const ACTOR = "bench-workers";
const PHASES = ["provision", "preview", "deprovision"] as const;
type Phase = (typeof PHASES)[number];
/** Longest a phase may take before the bench gives up on it. */
const PHASE_LIMIT_MS = 45 * 60_000;

function option(name: string, envName: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return (at > 0 ? process.argv[at + 1] : undefined) ?? process.env[envName] ?? fallback;
}
function whole(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} is ${JSON.stringify(raw)}; expected a whole number, at least ${min}`);
  return value;
}
const TENANTS = whole("tenants", option("tenants", "BENCH_TENANTS", "20"), 1);
const WORKER_COUNTS = option("workers", "BENCH_WORKERS", "1,2,4")
  .split(",")
  .map((raw) => whole("workers", raw.trim(), 1));
const CONCURRENCY = whole("concurrency", option("concurrency", "BENCH_WORKER_CONCURRENCY", "2"), 1);
const SKIP_TENANTS = whole("skip-tenants", option("skip-tenants", "BENCH_SKIP_TENANTS", "1000"), 1);
const SKIP_CHANGED = whole("skip-changed", option("skip-changed", "BENCH_SKIP_CHANGED", "10"), 0);

const log = (text: string) => process.stderr.write(`[bench:workers ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const load = () => loadavg()[0] ?? NaN;

interface PhaseRun {
  readonly workers: number;
  readonly phase: Phase;
  readonly figures: PhaseFigures;
  /** Worker id → w1…wN in start order. */
  readonly names: ReadonlyMap<string, string>;
  /** One-minute load average when the phase started and when it ended. */
  readonly load: readonly [number, number];
}

/** Everything the rounds share. */
interface Bench {
  readonly env: LocalEnvironment;
  readonly project: ProjectCopy;
  readonly baseConfigFile: string;
  readonly workerEnv: NodeJS.ProcessEnv;
  readonly queue: Awaited<ReturnType<typeof openJobQueue>>;
}

interface OperationRow {
  operation_id: string;
  tenant_id: string;
  state: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  worker_id: string | null;
  attempt: number;
  error: string | null;
}

async function readOperations(bench: Bench, ids: readonly string[]): Promise<TimedOperation[]> {
  const { rows } = await bench.env.controlPlane.pool.query<OperationRow>(
    "SELECT operation_id, tenant_id, state, created_at, started_at, finished_at, worker_id, attempt, error FROM operations WHERE operation_id = ANY($1::uuid[])",
    [ids],
  );
  return rows.map((row) => ({
    operationId: row.operation_id,
    tenantId: row.tenant_id,
    state: row.state,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    workerId: row.worker_id,
    attempt: row.attempt,
    error: row.error,
  }));
}

/** Polls the operations until every one has ended; a worker that exits meanwhile ends the bench. */
async function waitForAll(bench: Bench, ids: readonly string[], workers: readonly WorkerProcess[], what: string): Promise<TimedOperation[]> {
  const started = Date.now();
  let reported = 0;
  for (;;) {
    const operations = await readOperations(bench, ids);
    const open = operations.filter((o) => o.state === "queued" || o.state === "running").length;
    if (operations.length === ids.length && open === 0) return operations;
    const dead = workers.find((worker) => worker.child.exitCode !== null || worker.child.signalCode !== null);
    if (dead) throw new Error(`${what}: worker ${dead.workerId} exited while ${open} operations were open; its output ends with:\n${dead.output().slice(-2000)}`);
    if (Date.now() - started > PHASE_LIMIT_MS) throw new Error(`${what}: ${open} of ${ids.length} operations still open after ${PHASE_LIMIT_MS / 60_000} min`);
    const done = ids.length - open;
    if (done !== reported) {
      log(`${what}: ${done}/${ids.length} ended`);
      reported = done;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Enqueues one operation of `phase` per tenant (provision creates the tenant first, as the portal does) and waits for all. */
async function runPhase(bench: Bench, registry: TenantRegistry, phase: Phase, tenantIds: readonly string[], workers: readonly WorkerProcess[], label: string): Promise<TimedOperation[]> {
  const ids: string[] = [];
  for (const tenantId of tenantIds) {
    const prepare =
      phase === "provision"
        ? async () => {
            await registry.createTenant(tenantId, { actor: ACTOR, config: {} });
          }
        : undefined;
    ids.push((await enqueueOperation(bench.env.controlPlane.pool, bench.queue, { tenantId, kind: phase, actor: ACTOR }, prepare)).operationId);
  }
  log(`${label}: ${ids.length} ${phase} operations enqueued`);
  return waitForAll(bench, ids, workers, label);
}

/** One round: W workers, then provision, preview and deprovision of N tenants of its own. */
async function round(bench: Bench, workerCount: number): Promise<PhaseRun[]> {
  const label = `${workerCount} worker${workerCount === 1 ? "" : "s"}`;
  log(`${label}: starting the workers (concurrency ${CONCURRENCY} each)`);
  const workers: WorkerProcess[] = [];
  const runs: PhaseRun[] = [];
  try {
    for (let i = 0; i < workerCount; i += 1) workers.push(await startWorkerProcess(bench.project.workDir, bench.baseConfigFile, bench.workerEnv));
    const names = new Map(workers.map((worker, i) => [worker.workerId, `w${i + 1}`]));
    const tenantIds = Array.from({ length: TENANTS }, (_, i) => `w${workerCount}-t${String(i + 1).padStart(2, "0")}`);
    let active = tenantIds;
    for (const phase of PHASES) {
      const loadBefore = load();
      const operations = await runPhase(bench, bench.env.controlPlane.registry, phase, phase === "deprovision" ? tenantIds : active, workers, `${label}, ${phase}`);
      const figures = phaseFigures(operations, CONCURRENCY);
      runs.push({ workers: workerCount, phase, figures, names, load: [loadBefore, load()] });
      log(`${label}, ${phase}: ${figures.succeeded}/${figures.operations} succeeded in ${secs(figures.wallMs)}`);
      // A tenant whose provision failed has nothing to preview; it is still deprovisioned.
      if (phase === "provision") active = operations.filter((o) => o.state === "succeeded").map((o) => o.tenantId);
    }
    return runs;
  } finally {
    log(`${label}: stopping the workers`);
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

const s = (ms: number) => (Number.isNaN(ms) ? "-" : (ms / 1000).toFixed(1));

function spread(run: PhaseRun): string {
  return [...run.figures.perWorker]
    .map(([worker, count]) => [run.names.get(worker) ?? worker, count] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name}:${count}`)
    .join(" ");
}

function printRounds(runs: readonly PhaseRun[]): void {
  const out: string[] = [];
  out.push(`\nOperations as jobs: ${TENANTS} tenants per phase, FROSTBYTE_WORKER_CONCURRENCY=${CONCURRENCY} per worker (times in seconds)\n`);
  out.push(
    table(
      ["workers", "phase", "ok", "wall", "tenants/min", "op p50", "op p95", "enqueue→start p50", "p95", "pickup p50", "p95", "most at once", "spread", "load 1m"],
      runs.map((run) => {
        const f = run.figures;
        return [
          String(run.workers),
          run.phase,
          `${f.succeeded}/${f.operations}`,
          s(f.wallMs),
          Number.isFinite(f.perMinute) ? f.perMinute.toFixed(1) : "-",
          s(percentile(f.runMs, 0.5)),
          s(percentile(f.runMs, 0.95)),
          s(percentile(f.enqueueToStartMs, 0.5)),
          s(percentile(f.enqueueToStartMs, 0.95)),
          s(percentile(f.pickupMs, 0.5)),
          s(percentile(f.pickupMs, 0.95)),
          String(f.mostAtOnce),
          spread(run),
          `${run.load[0].toFixed(1)}→${run.load[1].toFixed(1)}`,
        ];
      }),
    ),
  );
  out.push(
    [
      "",
      "wall           = first enqueue (created_at) to last finish; tenants/min = succeeded operations per minute of it",
      "op             = finished_at − started_at (the engine run and the worker's bookkeeping)",
      "enqueue→start  = started_at − created_at: the queue's cost including the wait behind other jobs for a free slot",
      "pickup         = started_at − max(created_at, when the worker that ran it last got a free slot): the queue's own cost",
      "                 without the backlog (notification or poll, fetch, the worker's checks before it marks the job running)",
      "spread         = operations per worker (w1…wN in start order); most at once = engines running at the same moment",
    ].join("\n"),
  );
  const failures = runs.flatMap((run) => run.figures.failures.map((failure) => `  ${run.workers} workers, ${run.phase}, ${failure.tenantId}: ${failure.error}`));
  const takenOver = runs.reduce((sum, run) => sum + run.figures.takenOver, 0);
  out.push(failures.length === 0 ? "\nfailures: none" : `\nfailures (${failures.length}):\n${failures.join("\n")}`);
  if (takenOver > 0) out.push(`operations taken over by another worker: ${takenOver}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function printLimits(runs: readonly PhaseRun[], startup: readonly StartupCost[]): void {
  const fixedMs = startup.reduce((sum, cost) => sum + cost.ms, 0);
  const plugins = startup.filter((cost) => cost.what.startsWith("plugin ")).length;
  const byWorkers = (phase: Phase, figure: (f: PhaseFigures) => string) =>
    runs
      .filter((run) => run.phase === phase)
      .map((run) => `${run.workers}: ${figure(run.figures)}`)
      .join(", ");
  const peakLoad = Math.max(...runs.flatMap((run) => run.load));
  const most = Math.max(...runs.map((run) => run.figures.mostAtOnce));
  const pickups = runs.flatMap((run) => run.figures.pickupMs);
  const runMs = runs.flatMap((run) => run.figures.runMs);
  process.stdout.write(
    `\nstart-up costs paid by every engine command (one measurement each)\n${table(["what", "time"], startup.map((cost) => [cost.what, secs(cost.ms)]))}\n` +
      `\nWhat limits these figures: ${availableParallelism()} cores for everything on this machine (one-minute load average up to ` +
      `${peakLoad.toFixed(1)} during the rounds, other work included). Every operation is a whole engine run that starts the CLI, ` +
      `loads the program and starts ${plugins} provider plugins anew: ${secs(fixedMs)} of start-up measured one at a time, mostly CPU, ` +
      `before any store is touched. W workers × ${CONCURRENCY} ran up to ${most} engines at once on those cores, so past the core ` +
      `count more workers on one machine share the same CPU instead of adding any: preview p50 by workers ${byWorkers("preview", (f) => `${s(percentile(f.runMs, 0.5))} s`)}; ` +
      `provisions per minute ${byWorkers("provision", (f) => f.perMinute.toFixed(1))}. Workers on more machines bring their own cores. ` +
      `The queue's own cost: pickup p95 ${s(percentile(pickups, 0.95))} s over all phases, against an operation p50 of ` +
      `${s(percentile(runMs, 0.5))} s; enqueue→start adds the wait of ${TENANTS} tenants for W × ${CONCURRENCY} slots.\n`,
  );
}

async function main(): Promise<void> {
  ensureEngine();
  const begun = Date.now();
  log(`${TENANTS} tenants, workers ${WORKER_COUNTS.join(", ")}, concurrency ${CONCURRENCY} each; ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const [envStarted, projectMade] = await Promise.allSettled([startLocalEnvironment(), copyBuiltProject("frostbyte-bench-workers-")]);
  if (envStarted.status === "rejected" || projectMade.status === "rejected") {
    if (envStarted.status === "fulfilled") await envStarted.value.stop();
    if (projectMade.status === "fulfilled") await projectMade.value.remove();
    throw envStarted.status === "rejected" ? envStarted.reason : (projectMade as PromiseRejectedResult).reason;
  }
  const env = envStarted.value;
  const project = projectMade.value;
  try {
    const values: Record<string, unknown> = localStackConfig(env, []).values;
    delete values["frostbyte:tenants"];
    const baseConfigFile = join(project.root, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    // The stacks on Pulumi's PostgreSQL DIY backend, in a database of the environment's server (Pulumi takes postgres://, not postgresql://).
    await env.postgres.createDatabase("pulumi_state");
    // Closed to PUBLIC like every non-tenant database of the stores' server: a tenant's isolation check fails otherwise.
    await env.postgres.query("REVOKE ALL ON DATABASE pulumi_state FROM PUBLIC");
    const stateUrl = new URL(env.postgres.url("pulumi_state"));
    stateUrl.protocol = "postgres:";
    stateUrl.searchParams.set("sslmode", "disable");
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_BACKEND_URL: stateUrl.href,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      FROSTBYTE_WORKER_CONCURRENCY: String(CONCURRENCY),
      FROSTBYTE_WORKER_JOB_DIR: join(project.root, "jobs"),
      FROSTBYTE_DRIFT_SCHEDULE: "off",
    };
    const queue = await openJobQueue(env.controlPlane.runtimeUrl, { kind: "producer" });
    const bench: Bench = { env, project, baseConfigFile, workerEnv, queue };
    const runs: PhaseRun[] = [];
    try {
      for (const count of WORKER_COUNTS) runs.push(...(await round(bench, count)));
    } finally {
      await queue.stop({ graceful: false, close: true });
    }
    printRounds(runs);

    log(`fleet preview of ${SKIP_TENANTS} registry tenants (${SKIP_CHANGED} changed) through the skip, on a fresh control-plane database`);
    const skipDb = await createControlPlaneDatabase(env.postgres);
    let skip: FleetSkipFigures;
    try {
      skip = await measureFleetSkip(skipDb, baseConfigFromValues(values), project.workDir, { tenants: SKIP_TENANTS, changed: SKIP_CHANGED });
    } finally {
      await skipDb.close();
    }
    process.stdout.write(`\nfleet preview through the skip (no engine runs; time before the first job)\n${formatFleetSkip(skip)}\n`);

    log("measuring the engine's start-up costs");
    printLimits(runs, await measureStartupCosts());
    log(`done in ${secs(Date.now() - begun)}`);
  } finally {
    log("stopping the local environment");
    await env.stop();
    await project.remove();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:workers failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // A local environment that failed half-way leaves its servers as children; don't wait for them.
    process.exit(1);
  },
);
