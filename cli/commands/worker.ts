/**
 * `frostbyte worker`: takes operation jobs from the control plane's queue and runs them with the
 * Automation API until SIGINT or SIGTERM, then lets running operations finish (or cancels them
 * after the grace period). Reads FROSTBYTE_CONTROL_DB_URL, the base config, PULUMI_CONFIG_PASSPHRASE,
 * the state backend (PULUMI_BACKEND_URL, or a file backend under FROSTBYTE_STATE_DIR — one host
 * only), the worker settings (FROSTBYTE_WORKER_*: domain/config/workerSettings.ts), the operation
 * time bounds and FROSTBYTE_DRIFT_SCHEDULE.
 */
import type { Command } from "commander";
import { createControlPlanePool, describeDriftSchedule, driftScheduleSetting } from "../../controlplane";
import { workerSettings } from "../../domain";
import { baseConfigRedactor, loadBaseConfig, JOB_DIR_ENV, openStateBackend, stackSettingsFromEnv } from "../../stacks";
import { appliedDeploymentRecorder } from "../../stacks/appliedDeployments";
import { jobStacksFactory, startWorker } from "../../worker";
import { BASE_CONFIG_OPTION, baseConfigPath } from "../baseConfig";
import { controlDbUrl } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { shutdownSignal } from "../shutdownSignal";

export const WORKER_GRACE_ENV = "FROSTBYTE_WORKER_SHUTDOWN_GRACE_SECONDS";

export interface WorkerCommandOptions {
  readonly baseConfig?: string;
}

export async function worker(io: CliIo, options: WorkerCommandOptions): Promise<void> {
  const url = controlDbUrl(io);
  const base = await loadBaseConfig(baseConfigPath(io, options.baseConfig));
  const settings = workerSettings(io.env);
  if ("problem" in settings) throw new CliError(settings.problem);
  let drift;
  try {
    drift = driftScheduleSetting(io.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const stackSettings = stackSettingsFromEnv(io.env);
  const redact = baseConfigRedactor(base, stackSettings);
  const graceSeconds = Number(io.env[WORKER_GRACE_ENV] ?? "60");
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) throw new CliError(`${WORKER_GRACE_ENV} is ${JSON.stringify(io.env[WORKER_GRACE_ENV])}; expected whole seconds, 0 or more`);
  const pool = createControlPlanePool(url, { applicationName: "frostbyte-worker", max: settings.concurrency * 2 + 4 });
  const line = (level: string) => (details: object, message: string) => io.stdout(`${JSON.stringify({ level, time: new Date().toISOString(), msg: redact(message), ...redactDetails(details, redact) })}\n`);
  try {
    const running = await startWorker({
      controlDbUrl: url,
      pool,
      settings,
      timeBounds: stackSettings.timeBounds,
      stateBackendUrl: stackSettings.backendUrl,
      openStateBackend: () => openStateBackend(stackSettings, redact),
      stacksForJob: jobStacksFactory(base, stackSettings, io.env[JOB_DIR_ENV]),
      log: { error: line("error"), warn: line("warn"), info: line("info") },
      redact,
      ...("cron" in drift ? { driftCron: drift.cron } : {}),
      onApplied: appliedDeploymentRecorder(pool, base, stackSettings.workDir),
    });
    io.stdout(
      `frostbyte worker ${running.workerId}: taking jobs (concurrency ${settings.concurrency}, heartbeat ${settings.heartbeatSeconds} s, stacks: ${redact(stackSettings.backendUrl)}, drift schedule: ${describeDriftSchedule(drift)})\n`,
    );
    const reason = await Promise.race([shutdownSignal(), running.lost.then((why) => `lost: ${why}`)]);
    io.stdout(`frostbyte worker: ${reason}, shutting down\n`);
    await running.close(graceSeconds * 1000);
    if (reason.startsWith("lost: ")) throw new CliError(`the worker stopped: ${reason.slice("lost: ".length)}; start it again once the control plane answers`);
  } finally {
    await pool.end();
  }
}

/** Error objects in log details as their redacted message. */
function redactDetails(details: object, redact: (text: string) => string): object {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, value instanceof Error ? redact(value.message) : value]));
}

export function registerWorkerCommands(program: Command, io: CliIo): void {
  program
    .command("worker")
    .description("take operation jobs from the control plane's queue and run them, until SIGINT/SIGTERM")
    .option(...BASE_CONFIG_OPTION)
    .action((options: WorkerCommandOptions) => worker(io, options));
}
