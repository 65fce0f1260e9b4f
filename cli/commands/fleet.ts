/**
 * `frostbyte fleet preview|up|drift` (DESIGN §9): one operation per registry tenant's stack
 * (`tenant-{id}`), enqueued on the control plane's job queue and run by `frostbyte worker`
 * processes; at most `--concurrency` of the run's operations are queued or running at once, so a
 * fleet run holds only that many tenants busy and leaves the workers room for the portal's work.
 * `fleet preview` reports a tenant unchanged since its last `up` without running it (`--full` runs
 * every one). Progress lines go to stderr, the summary table to stdout. Exit 1 when a tenant failed,
 * 2 when none failed but some drifted, 0 otherwise. Reads FROSTBYTE_CONTROL_DB_URL, the base config,
 * PULUMI_CONFIG_PASSPHRASE and the backend (PULUMI_BACKEND_URL or FROSTBYTE_STATE_DIR): the stack
 * list says which tenants have a stack, and the skip fingerprints the base config.
 */
import type { Command } from "commander";
import type pg from "pg";
import { activeOperations, enqueueOperation, getOperation, openJobQueue, TenantRegistry, withControlPlanePool, type Operation } from "../../controlplane";
import {
  COMMAND_DESCRIPTIONS,
  FLEET_COMMANDS,
  FLEET_OPERATION_KINDS,
  fleetExit,
  finishedLine,
  formatDuration,
  planFleet,
  resultCounts,
  runFleetOnQueue,
  startedLine,
  summaryRows,
  splitUnchanged,
  type FleetCommand,
  type FleetExit,
  type TenantReport,
} from "../../fleet";
import { createTenantStacks, loadBaseConfig } from "../../stacks";
import { CONTROL_DB_URL_ENV, controlDbUrl } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { BASE_CONFIG_OPTION, baseConfigPath } from "../baseConfig";
import { formatTable } from "./tenant";

export const DEFAULT_CONCURRENCY = 4;
/** More of one run's operations queued at once than this only holds more tenants busy. */
export const MAX_CONCURRENCY = 64;
/** Who the operations table records for the fleet's operations. */
export const FLEET_ACTOR = "fleet";

/** Options of the command line. */
export interface FleetCommandOptions {
  readonly concurrency?: string;
  readonly baseConfig?: string;
  /** `preview` only: run every tenant, also those unchanged since their last up. */
  readonly full?: boolean;
  /** `up` only: refresh each stack's state from the stores first, so drift is repaired too (operation kind `repair`). */
  readonly refresh?: boolean;
}

export function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_CONCURRENCY) throw new CliError(`--concurrency ${JSON.stringify(text)}: must be an integer 1–${MAX_CONCURRENCY}`);
  return value;
}

/** Runs `work` with an AbortSignal that SIGINT/SIGTERM abort (nothing more is enqueued). */
async function withInterrupt<T>(io: CliIo, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const on = (signal: NodeJS.Signals) => {
    io.stderr(`fleet: ${signal}, enqueueing nothing more; operations already enqueued finish on the workers\n`);
    abort.abort(signal);
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  try {
    return await work(abort.signal);
  } finally {
    process.off("SIGINT", on);
    process.off("SIGTERM", on);
  }
}

/** The operations with these ids, as stored now. */
async function readOperations(pool: pg.Pool, ids: readonly string[]): Promise<Operation[]> {
  const operations = await Promise.all(ids.map((id) => getOperation(pool, id)));
  return operations.filter((operation): operation is Operation => operation !== undefined);
}

/** Runs the fleet command and prints its progress and summary; returns how it should exit. */
export async function fleet(io: CliIo, command: FleetCommand, options: FleetCommandOptions): Promise<FleetExit> {
  const concurrency = parseConcurrency(options.concurrency ?? String(DEFAULT_CONCURRENCY));
  const path = baseConfigPath(io, options.baseConfig);
  const url = controlDbUrl(io);
  const base = await loadBaseConfig(path);
  const stacks = createTenantStacks(base, { env: io.env });
  return withControlPlanePool(url, { max: 3, applicationName: "frostbyte-fleet", setting: CONTROL_DB_URL_ENV }, async (pool) => {
    const tenants = await new TenantRegistry(pool).listTenants();
    const busy = new Map((await activeOperations(pool)).map((op) => [op.tenantId, `${op.kind} ${op.operationId} ${op.state}`]));
    const plan = planFleet(tenants, await stacks.workspace.stackNames(), busy);

    const acted = plan.entries.flatMap((entry) => (entry.kind === "run" ? [entry.tenant] : []));
    const notRun: TenantReport[] = plan.entries.flatMap((entry): TenantReport[] =>
      entry.kind === "skip" ? [{ tenantId: entry.tenantId, result: "skipped", message: entry.reason }] : entry.kind === "busy" ? [{ tenantId: entry.tenantId, result: "failed", message: entry.reason }] : [],
    );
    const { run: targets, unchanged } = command === "preview" && options.full !== true ? await splitUnchanged(pool, base, stacks.workspace.settings.workDir, acted) : { run: acted, unchanged: [] };
    const skippedNote = unchanged.length > 0 ? `; ${unchanged.length} unchanged since their last up, not run (--full runs them)` : "";
    io.stderr(`fleet ${command}: ${targets.length} of ${tenants.length} registry tenants, concurrency ${concurrency}${skippedNote}\n`);
    for (const report of [...notRun, ...unchanged]) io.stderr(finishedLine(report));

    const started = performance.now();
    const queue = targets.length === 0 ? undefined : await openJobQueue(url, { kind: "producer" });
    let ran: TenantReport[] = [];
    try {
      if (queue !== undefined) {
        const kind = command === "up" && options.refresh === true ? "repair" : FLEET_OPERATION_KINDS[command];
        ran = await withInterrupt(io, (signal) =>
          runFleetOnQueue(
            command,
            targets.map((tenant) => tenant.tenantId),
            { enqueue: (tenantId) => enqueueOperation(pool, queue, { tenantId, kind, actor: FLEET_ACTOR }), read: (ids) => readOperations(pool, ids) },
            {
              concurrency,
              signal,
              redact: stacks.redact,
              onStarted: (tenantId) => io.stderr(startedLine(command, tenantId)),
              onFinished: (report) => io.stderr(finishedLine(report)),
            },
          ),
        );
      }
    } finally {
      await queue?.stop({ graceful: false, close: true });
    }
    const byId = new Map([...ran, ...notRun, ...unchanged].map((report) => [report.tenantId, report]));
    const reports = plan.entries.flatMap((entry) => {
      const report = byId.get(entry.kind === "run" ? entry.tenant.tenantId : entry.tenantId);
      return report ? [report] : [];
    });

    if (reports.length === 0) io.stdout("no tenants in the registry\n");
    else io.stdout(formatTable(summaryRows(reports)));
    io.stdout(`fleet ${command}: ${resultCounts(reports)} in ${formatDuration(performance.now() - started)}\n`);
    if (plan.strayStacks.length > 0) io.stdout(`note: tenant stacks without a registry tenant that has a stack: ${plan.strayStacks.join(", ")}\n`);
    return fleetExit(command, reports);
  });
}

export function registerFleetCommands(program: Command, io: CliIo): void {
  const group = program
    .command("fleet")
    .description("run preview, up or drift on every registry tenant's stack (tenant-{id}) through the job queue (frostbyte worker runs them); exit 1 on failure, 2 on drift");
  for (const command of FLEET_COMMANDS) {
    const sub = group
      .command(command)
      .description(COMMAND_DESCRIPTIONS[command])
      .option("--concurrency <n>", `at most this many of the run's operations queued or running at once, 1–${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`)
      .option(...BASE_CONFIG_OPTION);
    if (command === "preview") sub.option("--full", "run every tenant's preview, also those unchanged since their last up");
    if (command === "up") sub.option("--refresh", "read every stack's state back from the stores first, so changes made by hand (drift) are repaired too");
    sub.action(async (options: FleetCommandOptions, self: Command) => {
      const exit = await fleet(io, command, options);
      if (exit.code !== 0) self.error(`frostbyte: ${exit.message ?? `fleet ${command} failed`}`, { exitCode: exit.code, code: `frostbyte.fleet.${exit.code === 2 ? "drifted" : "failed"}` });
    });
  }
}
