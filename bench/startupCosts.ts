/**
 * The fixed costs every engine command pays before it touches a store: the CLI's start, the
 * program's module loading in the language host, and each provider plugin's start (until it
 * prints the port it serves on, as the engine waits for).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findProjectDir } from "../stacks/settings";
import { timed } from "./stats";

const run = promisify(execFile);

export interface StartupCost {
  readonly what: string;
  readonly ms: number;
}

function installedPlugins(): { name: string; binary: string }[] {
  const root = join(process.env["PULUMI_HOME"] ?? join(homedir(), ".pulumi"), "plugins");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((dir) => {
    const match = /^resource-(.+)-v(\d+\.\d+\.\d+)$/.exec(dir);
    const binary = match ? join(root, dir, `pulumi-resource-${match[1] ?? ""}`) : "";
    return match && existsSync(binary) ? [{ name: `plugin ${match[1] ?? ""} ${match[2] ?? ""}`, binary }] : [];
  });
}

/** Starts the plugin and waits for the port line on stdout, then kills it. */
function pluginStart(binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ["ignore", "pipe", "ignore"] });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${binary} printed no port within 30 s`));
    }, 30_000);
    child.stdout.once("data", () => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve();
    });
    child.once("error", reject);
  });
}

export async function measureStartupCosts(): Promise<StartupCost[]> {
  const costs: StartupCost[] = [];
  costs.push({ what: "pulumi CLI start (pulumi version)", ms: await timed(() => run("pulumi", ["version"])) });
  const bin = join(findProjectDir(), "bin");
  // The modules the program loads before it registers anything (the language host does the same require).
  const load = `const t=performance.now();require(${JSON.stringify(join(bin, "components"))});process.stdout.write(String(performance.now()-t))`;
  const { stdout } = await run(process.execPath, ["-e", load]);
  costs.push({ what: "program module load (bin/components and the provider SDKs)", ms: Number(stdout) });
  for (const plugin of installedPlugins()) costs.push({ what: `${plugin.name} start (until it serves)`, ms: await timed(() => pluginStart(plugin.binary)) });
  return costs;
}
