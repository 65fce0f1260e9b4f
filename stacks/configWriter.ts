/**
 * Writes a stack's config without a secret on any command line. The Automation API's
 * `setAllConfig`/`setConfig` run `pulumi config set[-all] --secret key=value`, so every secret
 * value would be readable in `/proc/<pid>/cmdline` by any local user while the config is written.
 * Here plaintext values still go through `setAllConfig`, and each secret goes through
 * `pulumi config set --secret <key>` with the value on the child's standard input (the CLI reads it
 * there when stdin is no terminal: pkg/cmd/pulumi/config/config.go, configSetCmd.Run), so the
 * stack's own secrets provider encrypts it. Only the keys whose value changed are written.
 */
import { spawn } from "node:child_process";
import { delimiter, dirname, isAbsolute } from "node:path";
import type { ConfigMap, ConfigValue, Stack } from "@pulumi/pulumi/automation";
import { cliErrorLines, StackCommandError } from "./errors";

/** What a stack's config needs to change to become `wanted`. */
export interface ConfigChanges {
  /** Keys the stack has and `wanted` does not. */
  readonly removed: readonly string[];
  /** Plaintext values that are new or differ; safe on a command line. */
  readonly plaintext: ConfigMap;
  /** Secret values that are new or differ (or were stored as plaintext); written through stdin. */
  readonly secret: ConfigMap;
}

/** The changes from `current` (as `pulumi config --json --show-secrets` shows it) to `wanted`. Pure. */
export function configChanges(current: ConfigMap, wanted: ConfigMap): ConfigChanges {
  const same = (key: string, value: ConfigValue): boolean => {
    const now = current[key];
    return now !== undefined && now.value === value.value && Boolean(now.secret) === Boolean(value.secret);
  };
  const changed = Object.entries(wanted).filter(([key, value]) => !same(key, value));
  return {
    removed: Object.keys(current).filter((key) => !(key in wanted)),
    plaintext: Object.fromEntries(changed.filter(([, value]) => !value.secret)),
    secret: Object.fromEntries(changed.filter(([, value]) => value.secret)),
  };
}

/** The environment the Automation API gives its own `pulumi` commands (LocalWorkspace.runPulumiCmd, PulumiCommand.run). */
function commandEnv(stack: Stack): NodeJS.ProcessEnv {
  const { workspace } = stack;
  const command = workspace.pulumiCommand.command;
  const env: NodeJS.ProcessEnv = { ...process.env, ...(workspace.pulumiHome ? { PULUMI_HOME: workspace.pulumiHome } : {}), ...workspace.envVars };
  // As PulumiCommand.run does: a CLI given by path finds its bundled plugins beside it.
  if (isAbsolute(command)) env["PATH"] = `${dirname(command)}${delimiter}${env["PATH"] ?? ""}`;
  env["PULUMI_AUTOMATION_API"] = "true";
  return env;
}

/** `pulumi config set --secret <key>` with the value on stdin (`--raw`: kept byte for byte). */
function setSecret(stack: Stack, key: string, value: string): Promise<void> {
  const args = ["config", "set", key, "--secret", "--raw", "--stack", stack.name, "--non-interactive"];
  return new Promise((resolve, reject) => {
    const child = spawn(stack.workspace.pulumiCommand.command, args, { cwd: stack.workspace.workDir, env: commandEnv(stack), stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-8_000)));
    child.once("error", (error) => reject(new StackCommandError(`pulumi config set --secret ${key} of stack "${stack.name}" could not start: ${error.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new StackCommandError(`pulumi config set --secret ${key} of stack "${stack.name}" failed (${signal ?? `exit ${String(code)}`}): ${cliErrorLines(stderr)}`));
    });
    // A child that exits before reading all of stdin fails with its own error above, not EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(value);
  });
}

/** Applies `changes`: stale keys removed, changed plaintext values set in one command, each changed secret through stdin. */
async function apply(stack: Stack, changes: ConfigChanges): Promise<void> {
  if (changes.removed.length > 0) await stack.removeAllConfig([...changes.removed]);
  if (Object.keys(changes.plaintext).length > 0) await stack.setAllConfig(changes.plaintext);
  // One after the other: each command rewrites the same Pulumi.<stack>.yaml.
  for (const [key, { value }] of Object.entries(changes.secret)) await setSecret(stack, key, value);
}

/**
 * Makes the stack's config exactly `wanted` (keys it does not name are removed); one `pulumi config`
 * read when nothing changed. Errors are the Automation API's own or StackCommandError; callers
 * translate and redact them.
 */
export async function replaceStackConfig(stack: Stack, wanted: ConfigMap): Promise<void> {
  await apply(stack, configChanges(await stack.getAllConfig(), wanted));
}

/** Sets the values of `values` and keeps every other key, as `setAllConfig` does. */
export async function upsertStackConfig(stack: Stack, values: ConfigMap): Promise<void> {
  await apply(stack, { ...configChanges(await stack.getAllConfig(), values), removed: [] });
}
