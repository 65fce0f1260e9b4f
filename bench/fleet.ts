#!/usr/bin/env node
/**
 * `npm run bench:fleet`: does a one-tenant operation get slower as the fleet grows?
 *
 * Against the local environment (real PostgreSQL, Redis and MinIO; Hetzner Cloud and Qdrant API
 * test doubles on loopback), with every tenant really deployed, it measures:
 *  1. a no-op preview of one tenant when the fleet has 1, 10 and 40 tenants, with one stack per
 *     tenant (`tenant-{id}`, the portal's and the fleet's model) and with all tenants in one stack
 *     (where a one-tenant change needs a preview of the whole stack);
 * `fleet preview` itself now enqueues jobs that `frostbyte worker` processes run: `npm run
 * bench:workers` measures it with 1, 2 and 4 workers, and `bench/fleetSkip.ts` the skip of tenants
 * unchanged since their last up.
 * Every figure is printed, medians of several runs where cheap, with ratios.
 *
 * Run after `npm run build`: `node bin/bench/fleet.js [--runs N] [--sizes 1,10,40]` (or BENCH_RUNS,
 * BENCH_FLEET_SIZES). The program is the build in bin/, copied to
 * a temp project directory so a rebuild during the run changes nothing; state goes to a temp file
 * backend. Nothing is written into the repository.
 */
import { mkdir, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import pLimit from "p-limit";
import { changeCount } from "../fleet";
import { baseConfigFromValues, createTenantStacks, desiredStateFromRegistry, runWithPolicyPack, type PolicyRunEngineOptions, type StackOperationOutcome, type TenantStacks } from "../stacks";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../test/e2e/support/localEnvironment";
import { setStackConfig } from "../test/e2e/support/localStack";
import { ensureEngine } from "../test/stacks/support/engine";
import { copyBuiltProject } from "./projectCopy";
import { median, seconds as secs, table, timed } from "./stats";

const PASSPHRASE = "frostbyte-bench-fleet";
/** Tenants deployed at once while the fleet grows (2 cores: more only queue). */
const DEPLOY_CONCURRENCY = 3;
const ONE_STACK = "bench-one-stack";

function option(name: string, envName: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return (at > 0 ? process.argv[at + 1] : undefined) ?? process.env[envName] ?? fallback;
}
const RUNS = Number(option("runs", "BENCH_RUNS", "3"));
const SIZES = option("sizes", "BENCH_FLEET_SIZES", "1,10,40").split(",").map(Number);

const log = (text: string) => process.stderr.write(`[bench:fleet ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

/** Runs `work`, returns its wall-clock time and its value. */
async function timedValue<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let value!: T;
  const ms = await timed(async () => {
    value = await work();
  });
  return { ms, value };
}

/** An `up` or `preview` of a stack of the temp project, with its policy pack, as every run of the project. */
async function checked<T>(what: string, workDir: string, run: (engine: PolicyRunEngineOptions) => Promise<T>): Promise<T> {
  return (await runWithPolicyPack({ what, projectDir: workDir }, run)).result;
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** A copy of the built project (bench/projectCopy.ts) with a state directory beside it. */
async function projectDir(): Promise<{ root: string; workDir: string; stateDir: string }> {
  const { root, workDir } = await copyBuiltProject("frostbyte-bench-fleet-");
  const stateDir = join(root, "state");
  await mkdir(stateDir);
  return { root, workDir, stateDir };
}

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(2, "0")}`;

/** No-op checks: a preview that would change something means the measurement is not of a no-op. */
function assertNoChanges(what: string, outcome: StackOperationOutcome | { changeSummary: Record<string, number> }): void {
  const changes = "changeSummary" in outcome ? changeCount(outcome.changeSummary) : changeCount(outcome.summary?.resourceChanges ?? { unknown: 1 });
  if (changes !== 0) log(`warning: ${what} would change ${changes} resources; the figure is not of a no-op preview`);
}

interface SizeFigures {
  readonly size: number;
  readonly perTenantDeployMs: number;
  readonly oneStackDeployMs: number;
  /** The engine's preview of tenant-p01's stack. */
  readonly perTenantPreview: number[];
  /** TenantStacks.preview of p01: the fleet's per-tenant operation (config written, then preview). */
  readonly perTenantFleetOp: number[];
  /** The one stack's preview (all `size` tenants). */
  readonly oneStackPreview: number[];
}

async function main(): Promise<void> {
  ensureEngine();
  log(`sizes ${SIZES.join(", ")}; ${RUNS} runs per one-tenant preview; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const [envStarted, projectMade] = await Promise.allSettled([startLocalEnvironment(), projectDir()]);
  if (envStarted.status === "rejected" || projectMade.status === "rejected") {
    if (envStarted.status === "fulfilled") await envStarted.value.stop();
    if (projectMade.status === "fulfilled") await rm(projectMade.value.root, { recursive: true, force: true });
    throw envStarted.status === "rejected" ? envStarted.reason : (projectMade as PromiseRejectedResult).reason;
  }
  const env = envStarted.value;
  const project = projectMade.value;
  try {
    const values: Record<string, unknown> = localStackConfig(env, []).values;
    delete values["frostbyte:tenants"];
    const stacks = createTenantStacks(baseConfigFromValues(values), { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: project.stateDir }, workDir: project.workDir });
    const oneStack = await LocalWorkspace.createOrSelectStack(
      { stackName: ONE_STACK, workDir: project.workDir },
      { workDir: project.workDir, envVars: { PULUMI_BACKEND_URL: `file://${project.stateDir}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_SKIP_UPDATE_CHECK: "true" } },
    );
    const figures = await measureSizes(env, stacks, oneStack);
    print(figures);
  } finally {
    log("stopping the local environment");
    await env.stop();
    await rm(project.root, { recursive: true, force: true });
  }
}

/** Deploys tenants `from`..`to` as their own stacks, a few at a time; a failed one is retried once. */
async function deployPerTenant(env: LocalEnvironment, stacks: TenantStacks, from: number, to: number): Promise<number> {
  const registry = env.controlPlane.registry;
  const ids: string[] = [];
  for (let n = from; n <= to; n += 1) ids.push((await registry.createTenant(id("p", n), { actor: "bench-fleet" })).tenantId);
  const limit = pLimit(DEPLOY_CONCURRENCY);
  const provision = async (tenantId: string): Promise<void> => {
    const reservation = stacks.reserve(tenantId, "bench provision");
    try {
      const desired = desiredStateFromRegistry(await registry.getTenant(tenantId));
      const outcome = await stacks.provision(reservation, desired).catch((error: unknown) => {
        log(`${tenantId}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; retrying once`);
        return stacks.updateConfig(reservation, desired);
      });
      if (outcome.summary?.result !== "succeeded") throw new Error(`${tenantId}: the engine reported ${outcome.summary?.result ?? "no summary"}`);
    } finally {
      reservation.release();
    }
  };
  return timed(async () => {
    const settled = await Promise.allSettled(ids.map((tenantId) => limit(provision, tenantId)));
    const failed = settled.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []));
    if (failed.length > 0) throw new Error(`deploying failed: ${failed.join("; ")}`);
  });
}

/** Grows the one stack to `size` tenants with one `up` (retried once). */
async function deployOneStack(env: LocalEnvironment, stack: Stack, size: number): Promise<number> {
  const tenants = Array.from({ length: size }, (_, i) => ({ id: id("s", i + 1) }));
  await setStackConfig(stack, localStackConfig(env, tenants));
  const workDir = stack.workspace.workDir;
  const up = () => checked(`${ONE_STACK} up`, workDir, (engine) => stack.up({ color: "never", ...engine }));
  const ms = await timed(() =>
    up().catch((error: Error) => {
      log(`one stack up: ${error.message.split("\n").find((l) => l.includes("error")) ?? "failed"}; retrying once`);
      return up();
    }),
  );
  return ms;
}

async function measureSizes(env: LocalEnvironment, stacks: TenantStacks, oneStack: Stack): Promise<SizeFigures[]> {
  const figures: SizeFigures[] = [];
  let deployed = 0;
  for (const size of SIZES) {
    log(`fleet of ${size}: deploying ${size - deployed} tenant stacks, ${DEPLOY_CONCURRENCY} at a time`);
    const perTenantDeployMs = await deployPerTenant(env, stacks, deployed + 1, size);
    log(`fleet of ${size}: ${size - deployed} tenant stacks deployed in ${secs(perTenantDeployMs)}; growing the one stack to ${size} tenants`);
    const oneStackDeployMs = await deployOneStack(env, oneStack, size);
    log(`fleet of ${size}: one stack up in ${secs(oneStackDeployMs)}; measuring`);
    deployed = size;

    const first = id("p", 1);
    const tenantStack = await stacks.createOrSelect(first);
    const tenant = await env.controlPlane.registry.getTenant(first);
    const perTenantPreview: number[] = [];
    const perTenantFleetOp: number[] = [];
    const oneStackPreview: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const engine = await timedValue(() => checked(`tenant-${first} preview`, tenantStack.workspace.workDir, (options) => tenantStack.preview({ color: "never", ...options })));
      assertNoChanges(`tenant-${first} preview`, engine.value);
      perTenantPreview.push(engine.ms);

      const reservation = stacks.reserve(first, "bench preview");
      let opMs: number;
      try {
        const op = await timedValue(() => stacks.preview(reservation, desiredStateFromRegistry(tenant)));
        assertNoChanges(`TenantStacks.preview(${first})`, op.value);
        opMs = op.ms;
      } finally {
        reservation.release();
      }
      perTenantFleetOp.push(opMs);

      const whole = await timedValue(() => checked(`${ONE_STACK} preview`, oneStack.workspace.workDir, (options) => oneStack.preview({ color: "never", ...options })));
      assertNoChanges(`${ONE_STACK} preview`, whole.value);
      oneStackPreview.push(whole.ms);
      log(`fleet of ${size}, run ${run + 1}: tenant stack ${secs(engine.ms)}, fleet op ${secs(opMs)}, one stack ${secs(whole.ms)}`);
    }
    figures.push({ size, perTenantDeployMs, oneStackDeployMs, perTenantPreview, perTenantFleetOp, oneStackPreview });
  }
  return figures;
}

function print(figures: readonly SizeFigures[]): void {
  const base = figures[0];
  const out: string[] = [];
  out.push(`\nOne-tenant no-op preview by fleet size (median of ${RUNS}; "vs 1" = against the fleet of ${base?.size ?? 1})\n`);
  out.push(
    table(
      ["fleet", "tenant stack: preview", "vs 1", "tenant stack: fleet op", "vs 1", "one stack: preview", "vs 1", "one stack ÷ tenant stack"],
      figures.map((f) => {
        const [p, o, s] = [median(f.perTenantPreview), median(f.perTenantFleetOp), median(f.oneStackPreview)];
        const [p1, o1, s1] = base ? [median(base.perTenantPreview), median(base.perTenantFleetOp), median(base.oneStackPreview)] : [p, o, s];
        return [String(f.size), secs(p), ratio(p, p1), secs(o), ratio(o, o1), secs(s), ratio(s, s1), ratio(s, p)];
      }),
    ),
  );
  out.push(`\nEvery run (seconds)\n`);
  out.push(
    table(
      ["fleet", "tenant stack: preview", "tenant stack: fleet op", "one stack: preview", "deploy: new tenant stacks", "deploy: one stack up"],
      figures.map((f) => {
        const list = (values: readonly number[]) => values.map((v) => (v / 1000).toFixed(2)).join(" ");
        return [String(f.size), list(f.perTenantPreview), list(f.perTenantFleetOp), list(f.oneStackPreview), secs(f.perTenantDeployMs), secs(f.oneStackDeployMs)];
      }),
    ),
  );
  out.push(
    "\n" +
      [
        `tenant stack: preview   = the engine's preview of tenant-p01's own stack (Automation API, no config write)`,
        `tenant stack: fleet op  = TenantStacks.preview of p01, what a worker runs for a preview: config rewritten, then preview`,
        `one stack: preview      = preview of one stack holding all the fleet's tenants (a one-tenant change needs the whole stack's preview)`,
      ].join("\n") +
      "\n",
  );
  process.stdout.write(out.join("\n"));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:fleet failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // A local environment that failed half-way leaves its servers as children; don't wait for them.
    process.exit(1);
  },
);
