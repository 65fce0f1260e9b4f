/**
 * The `frostbyte` command (DESIGN §9). Each subcommand group lives in cli/commands/ and is
 * registered here; every failure ends as one line on stderr and exit code 1.
 */
import { Command, CommanderError } from "commander";
import { registerAuditCommands } from "./commands/audit";
import { registerDbCommands, TENANT_DB_URL_ENV } from "./commands/db";
import { registerFleetCommands } from "./commands/fleet";
import { registerPortalCommands } from "./commands/portal";
import { registerSecretsCommands } from "./commands/secrets";
import { registerTenantCommands } from "./commands/tenant";
import { registerTokenCommands } from "./commands/token";
import { registerWorkerCommands } from "./commands/worker";
import { CONTROL_DB_URL_ENV } from "./controlPlane";
import { errorLine } from "./errorLine";
import type { CliIo } from "./io";

/** Every subcommand group, in the order `--help` lists them. */
const COMMAND_GROUPS: readonly ((program: Command, io: CliIo) => void)[] = [registerDbCommands, registerTenantCommands, registerAuditCommands, registerSecretsCommands, registerTokenCommands, registerPortalCommands, registerWorkerCommands, registerFleetCommands];

export function buildProgram(io: CliIo): Command {
  const program = new Command("frostbyte")
    .description(`Frostbyte operator command; reads ${CONTROL_DB_URL_ENV} for the control-plane database`)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });
  // Subcommands inherit exitOverride and the output routing from the program.
  for (const register of COMMAND_GROUPS) register(program, io);
  return program;
}

/** Runs the command line (`argv` as in process.argv) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv]);
    return 0;
  } catch (error) {
    // Commander has already printed its own one-line usage error (or the help text).
    if (error instanceof CommanderError) return error.exitCode;
    const urls = [io.env[CONTROL_DB_URL_ENV], io.env[TENANT_DB_URL_ENV]].filter((url): url is string => url !== undefined);
    io.stderr(errorLine(error, urls));
    return 1;
  }
}
