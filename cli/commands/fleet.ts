/**
 * `frostbyte fleet preview|up|drift` (DESIGN §9): one operation on every registry tenant's stack
 * (`tenant-{id}`) through the stacks layer, at most `--concurrency` at once. Progress lines go to
 * stderr, the summary table to stdout. Exit 1 when a tenant failed, 2 when none failed but some
 * drifted (drift), 0 otherwise. Reads FROSTBYTE_CONTROL_DB_URL, the portal's base config,
 * PULUMI_CONFIG_PASSPHRASE and the backend (PULUMI_BACKEND_URL or FROSTBYTE_STATE_DIR).
 */
import type { Command } from "commander";
import { activeOperations, TenantRegistry, type Tenant } from "../../controlplane";
import {
  COMMAND_DESCRIPTIONS,
  FLEET_COMMANDS,
  fleetExit,
  fleetOperation,
  finishedLine,
  planFleet,
  resultCounts,
  runFleet,
  startedLine,
  summaryRows,
  formatDuration,
  type FleetCommand,
  type FleetExit,
  type TenantReport,
} from "../../fleet";
import { createTenantStacks, loadBaseConfig } from "../../stacks";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { BASE_CONFIG_OPTION, baseConfigPath } from "../baseConfig";
import { formatTable } from "./tenant";

export const DEFAULT_CONCURRENCY = 4;
/** More parallel `pulumi` processes than this only contend for the machine. */
export const MAX_CONCURRENCY = 64;

/** Options of the command line. */
export interface FleetCommandOptions {
  readonly concurrency?: string;
  readonly baseConfig?: string;
  /** `up` only: refresh each stack from the stores first. */
  readonly refresh?: boolean;
}

export function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_CONCURRENCY) throw new CliError(`--concurrency ${JSON.stringify(text)}: must be an integer 1–${MAX_CONCURRENCY}`);
  return value;
}

/** Runs `work` with an AbortSignal that SIGINT/SIGTERM abort (running engines are cancelled gracefully). */
async function withInterrupt<T>(io: CliIo, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const on = (signal: NodeJS.Signals) => {
    io.stderr(`fleet: ${signal}, cancelling running operations; no new one starts\n`);
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

/** Runs the fleet command and prints its progress and summary; returns how it should exit. */
export async function fleet(io: CliIo, command: FleetCommand, options: FleetCommandOptions): Promise<FleetExit> {
  const concurrency = parseConcurrency(options.concurrency ?? String(DEFAULT_CONCURRENCY));
  const path = baseConfigPath(io, options.baseConfig);
  const { tenants, busy } = await withPool(io, async (pool) => {
    const listed: Tenant[] = await new TenantRegistry(pool).listTenants();
    const operations = await activeOperations(pool);
    return { tenants: listed, busy: new Map(operations.map((op) => [op.tenantId, `${op.kind} ${op.operationId} ${op.state}`])) };
  });
  const stacks = createTenantStacks(await loadBaseConfig(path), { env: io.env });
  const plan = planFleet(tenants, await stacks.workspace.stackNames(), busy);

  const targets = plan.entries.flatMap((entry) => (entry.kind === "run" ? [entry.tenant] : []));
  const notRun: TenantReport[] = plan.entries.flatMap((entry): TenantReport[] =>
    entry.kind === "skip" ? [{ tenantId: entry.tenantId, result: "skipped", message: entry.reason }] : entry.kind === "busy" ? [{ tenantId: entry.tenantId, result: "failed", message: entry.reason }] : [],
  );
  const refresh = command === "up" && options.refresh === true;
  io.stderr(`fleet ${command}${refresh ? " --refresh" : ""}: ${targets.length} of ${tenants.length} registry tenants, concurrency ${concurrency}\n`);
  for (const report of notRun) io.stderr(finishedLine(report));

  const started = performance.now();
  const ran = await withInterrupt(io, (signal) =>
    runFleet(command, targets, fleetOperation(stacks, command, { refresh }), {
      concurrency,
      signal,
      redact: stacks.redact,
      onStarted: (tenantId) => io.stderr(startedLine(command, tenantId)),
      onFinished: (report) => io.stderr(finishedLine(report)),
    }),
  );
  const byId = new Map([...ran, ...notRun].map((report) => [report.tenantId, report]));
  const reports = plan.entries.flatMap((entry) => {
    const report = byId.get(entry.kind === "run" ? entry.tenant.tenantId : entry.tenantId);
    return report ? [report] : [];
  });

  if (reports.length === 0) io.stdout("no tenants in the registry\n");
  else io.stdout(formatTable(summaryRows(reports)));
  io.stdout(`fleet ${command}: ${resultCounts(reports)} in ${formatDuration(performance.now() - started)}\n`);
  if (plan.strayStacks.length > 0) io.stdout(`note: tenant stacks without a registry tenant that has a stack: ${plan.strayStacks.join(", ")}\n`);
  return fleetExit(command, reports);
}

export function registerFleetCommands(program: Command, io: CliIo): void {
  const group = program
    .command("fleet")
    .description("run preview, up or drift on every registry tenant's stack (tenant-{id}), a few at a time; exit 1 on failure, 2 on drift");
  for (const command of FLEET_COMMANDS) {
    const sub = group
      .command(command)
      .description(COMMAND_DESCRIPTIONS[command])
      .option("--concurrency <n>", `tenants at once, 1–${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`)
      .option(...BASE_CONFIG_OPTION);
    if (command === "up") sub.option("--refresh", "refresh each stack's state from the stores first, so drift is repaired too");
    sub.action(async (options: FleetCommandOptions, self: Command) => {
      const exit = await fleet(io, command, options);
      if (exit.code !== 0) self.error(`frostbyte: ${exit.message ?? `fleet ${command} failed`}`, { exitCode: exit.code, code: `frostbyte.fleet.${exit.code === 2 ? "drifted" : "failed"}` });
    });
  }
}
