/**
 * `frostbyte portal` (DESIGN §9): the self-service HTTP API. Reads FROSTBYTE_CONTROL_DB_URL and the
 * access settings (FROSTBYTE_PORTAL_AUTH_FAILURES_*, _STREAM_TOKEN_CHECK: portal/settings.ts); runs
 * until SIGINT or SIGTERM. It enqueues operations; `frostbyte worker` processes run them, so a
 * portal that stops (or any number that run) changes nothing for a running operation.
 */
import type { Command } from "commander";
import { accessSettingsFromEnv, startPortal } from "../../portal";
import { controlDbUrl } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { shutdownSignal } from "../shutdownSignal";

export const HOST_ENV = "FROSTBYTE_PORTAL_HOST";
export const PORT_ENV = "FROSTBYTE_PORTAL_PORT";
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8080;

/** Options of the command line (each falls back to its environment variable, then its default). */
export interface PortalCommandOptions {
  readonly host?: string;
  readonly port?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`port ${JSON.stringify(text)}: must be 0–65535 (0: any free port)`);
  return port;
}

export async function portal(io: CliIo, options: PortalCommandOptions): Promise<void> {
  const url = controlDbUrl(io);
  const host = options.host ?? io.env[HOST_ENV] ?? DEFAULT_HOST;
  const port = parsePort(options.port ?? io.env[PORT_ENV] ?? String(DEFAULT_PORT));
  const access = accessSettingsFromEnv(io.env);
  const running = await startPortal({
    controlDbUrl: url,
    host,
    port,
    access,
    logger: { level: "info", stream: { write: (line: string) => io.stdout(line) } },
  });
  io.stdout(`frostbyte portal listening on ${running.url} (operations run on frostbyte worker processes)\n`);
  const signal = await shutdownSignal();
  io.stdout(`frostbyte portal: ${signal}, shutting down\n`);
  await running.close();
}

export function registerPortalCommands(program: Command, io: CliIo): void {
  program
    .command("portal")
    .description(`serve the self-service HTTP API (default ${DEFAULT_HOST}:${DEFAULT_PORT}) until SIGINT/SIGTERM`)
    .option("--host <address>", `address to listen on (${HOST_ENV}, default ${DEFAULT_HOST})`)
    .option("--port <port>", `port to listen on, 0 for any free one (${PORT_ENV}, default ${DEFAULT_PORT})`)
    .action((options: PortalCommandOptions) => portal(io, options));
}
