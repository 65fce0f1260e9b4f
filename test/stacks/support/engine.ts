/**
 * The real Pulumi engine for tests: `pulumi` (and its language host and plugins) from PATH, or
 * from scripts/setup-engine.sh's env.sh when the shell did not source it. The Automation API finds
 * `pulumi` through this process's PATH, so the variables are put into process.env. No engine is a
 * failure with the command that builds it, never a silent skip.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

function pulumiOnPath(path: string | undefined): string | undefined {
  return (path ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "pulumi"))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** Makes sure `pulumi` is on this process's PATH; returns its path. */
export function ensureEngine(): string {
  const found = pulumiOnPath(process.env["PATH"]);
  if (found) return found;
  const envFile = join(process.env["FROSTBYTE_TOOLS_CACHE"] ?? join(homedir(), ".cache/frostbyte-tools"), "env.sh");
  if (existsSync(envFile)) {
    const dump = execFileSync("bash", ["-c", 'source "$1" >/dev/null && env -0', "env", envFile], { encoding: "utf8" });
    for (const line of dump.split("\0")) {
      const at = line.indexOf("=");
      const key = line.slice(0, at);
      if (at > 0 && (key === "PATH" || key.startsWith("PULUMI_"))) process.env[key] = line.slice(at + 1);
    }
    const afterEnv = pulumiOnPath(process.env["PATH"]);
    if (afterEnv) return afterEnv;
  }
  throw new Error(`no pulumi on PATH and none in ${envFile}; build the engine with: source "$(bash scripts/setup-engine.sh)"`);
}
