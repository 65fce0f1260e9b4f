#!/usr/bin/env node
/**
 * `npm run bench`: the engine's cost for one tenant against the local stores (real PostgreSQL,
 * Redis, MinIO; Hetzner Cloud and Qdrant API test doubles), median of several runs of a cold `up`,
 * a no-op `preview`, a no-op `up` and a `destroy`, beside the same store work done directly with
 * the clients (bench/directBaseline.ts), with ratios, targets and the start-up costs.
 * Runs: `--runs N` or BENCH_RUNS (default 5).
 */
import { randomBytes } from "node:crypto";
import type { Stack } from "@pulumi/pulumi/automation";
import { ensureEngine } from "../test/stacks/support/engine";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../test/e2e/support/localEnvironment";
import { localStack } from "../test/e2e/support/localStack";
import { runWithPolicyPack, type PolicyRunEngineOptions } from "../stacks/policyRun";
import { checkDirectly, destroyDirectly, provisionDirectly } from "./directBaseline";
import { measureStartupCosts } from "./startupCosts";
import { median, seconds, table, timed } from "./stats";

const OPERATIONS = ["cold up", "no-op preview", "no-op up", "destroy"] as const;
type Operation = (typeof OPERATIONS)[number];
const TARGETS: Partial<Record<Operation, number>> = { "cold up": 25_000, "no-op preview": 8_000 };
/** What the baseline does for each engine operation. */
const BASELINE_OF: Record<Operation, string> = {
  "cold up": "provision directly",
  "no-op preview": "read everything back",
  "no-op up": "read everything back",
  destroy: "delete directly",
};

function runsWanted(argv: readonly string[]): number {
  const flag = argv.indexOf("--runs");
  const text = flag >= 0 ? argv[flag + 1] : process.env["BENCH_RUNS"];
  const runs = Number(text ?? 5);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`runs ${JSON.stringify(text)}: must be an integer 1–50`);
  return runs;
}

/** Every `up` and `preview` runs with the policy pack, as every run of the project does. */
async function checked<T>(what: string, run: (engine: PolicyRunEngineOptions) => Promise<T>): Promise<T> {
  return (await runWithPolicyPack({ what }, run)).result;
}

function changesOf(summary: Record<string, number> | undefined): string[] {
  return Object.entries(summary ?? {})
    .filter(([op, count]) => op !== "same" && count > 0)
    .map(([op, count]) => `${op} ${count}`);
}

async function engineRun(env: LocalEnvironment, run: number): Promise<Record<Operation, number>> {
  const tenantId = `bench-${run}-${randomBytes(2).toString("hex")}`;
  const { stack } = await localStack(`bench-${process.pid}-${run}`, localStackConfig(env, [{ id: tenantId, config: {} }]));
  const times = {} as Record<Operation, number>;
  const expectNoChanges = (what: string, changes: string[]) => {
    if (changes.length > 0) throw new Error(`${what} of an unchanged stack changed something: ${changes.join(", ")}`);
  };
  try {
    times["cold up"] = await timed(async () => {
      const result = await checked("cold up", (engine) => stack.up({ color: "never", ...engine }));
      if (result.summary.result !== "succeeded") throw new Error(`up ${result.summary.result}`);
    });
    times["no-op preview"] = await timed(async () =>
      expectNoChanges("preview", changesOf((await checked("no-op preview", (engine) => stack.preview({ color: "never", ...engine }))).changeSummary)),
    );
    times["no-op up"] = await timed(async () =>
      expectNoChanges("up", changesOf((await checked("no-op up", (engine) => stack.up({ color: "never", ...engine }))).summary.resourceChanges)),
    );
    times["destroy"] = await timed(() => stack.destroy({ color: "never" }));
  } finally {
    await removeStack(stack);
  }
  return times;
}

async function removeStack(stack: Stack): Promise<void> {
  await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
}

/** The engine's floor: a no-op preview of a stack with no tenant (CLI, language host, program, providers). */
async function emptyStackPreview(env: LocalEnvironment, runs: number): Promise<number> {
  const { stack } = await localStack(`bench-${process.pid}-empty`, localStackConfig(env, []));
  try {
    await checked("empty stack up", (engine) => stack.up({ color: "never", ...engine }));
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) times.push(await timed(() => checked("empty stack preview", (engine) => stack.preview({ color: "never", ...engine }))));
    return median(times);
  } finally {
    await removeStack(stack);
  }
}

async function directRun(env: LocalEnvironment, run: number): Promise<Record<Operation, number>> {
  const tenantId = `direct-${run}-${randomBytes(2).toString("hex")}`;
  let tenant: Awaited<ReturnType<typeof provisionDirectly>> | undefined;
  const provision = await timed(async () => (tenant = await provisionDirectly(env, tenantId)));
  if (tenant === undefined) throw new Error("provisioning returned nothing");
  const created = tenant;
  const check = await timed(() => checkDirectly(env, created));
  const destroy = await timed(() => destroyDirectly(env, created));
  return { "cold up": provision, "no-op preview": check, "no-op up": check, destroy };
}

/** The Qdrant client warns on every call over plain HTTP; on loopback that is expected and only noise here. */
function silenceQdrantPlainHttpWarning(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (args[0] !== "Api key is used with unsecure connection.") warn(...args);
  };
}

async function main(): Promise<void> {
  const runs = runsWanted(process.argv);
  silenceQdrantPlainHttpWarning();
  ensureEngine();
  process.stdout.write(`bench: ${runs} runs of one tenant, engine and direct, on local stores (Hetzner Cloud and Qdrant: loopback API test doubles)\n`);
  const env = await startLocalEnvironment();
  try {
    const engine: Record<Operation, number>[] = [];
    const direct: Record<Operation, number>[] = [];
    // A warm-up round, not counted: the first run pays the OS's file cache for the binaries.
    await engineRun(env, 0);
    for (let run = 1; run <= runs; run += 1) {
      engine.push(await engineRun(env, run));
      direct.push(await directRun(env, run));
      const last = engine.at(-1);
      process.stdout.write(`run ${run}: ${OPERATIONS.map((op) => `${op} ${seconds(last?.[op] ?? 0)}`).join(", ")}; direct provision ${seconds(direct.at(-1)?.["cold up"] ?? 0)}\n`);
    }
    const rows = OPERATIONS.map((op) => {
      const engineMedian = median(engine.map((times) => times[op]));
      const directMedian = median(direct.map((times) => times[op]));
      const target = TARGETS[op];
      return [
        op,
        seconds(engineMedian),
        `${seconds(directMedian)} (${BASELINE_OF[op]})`,
        `${(engineMedian / directMedian).toFixed(1)}×`,
        target === undefined ? "" : `≤ ${seconds(target)} ${engineMedian <= target ? "met" : "MISSED"}`,
      ];
    });
    process.stdout.write(`\nmedian of ${runs} runs, wall clock of the Automation API call (CLI, language host, plugins, program, stores)\n`);
    process.stdout.write(`${table(["operation", "engine", "direct baseline", "ratio", "target"], rows)}\n`);
    const floor = await emptyStackPreview(env, runs);
    const preview = median(engine.map((times) => times["no-op preview"]));
    process.stdout.write(
      `\nno-op preview of a stack with no tenant (the engine's fixed cost): ${seconds(floor)}; one tenant adds ${seconds(preview - floor)} (${(((preview - floor) / preview) * 100).toFixed(0)} % of its preview)\n`,
    );
    const costs = await measureStartupCosts();
    process.stdout.write(`\nstart-up costs paid by every engine command (one measurement each)\n${table(["what", "time"], costs.map((cost) => [cost.what, seconds(cost.ms)]))}\n`);
  } finally {
    await env.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
