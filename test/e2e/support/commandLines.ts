/**
 * Records the command lines of the processes an operation starts, to prove no secret is on one:
 * - a `pulumi` shim first on PATH that writes its arguments to a file of its own and execs the
 *   real CLI, so every `pulumi` command the Automation API (or anyone) starts is recorded exactly;
 * - a sampler that reads `/proc/<pid>/cmdline` of every descendant of a process every few
 *   milliseconds, for what the CLI starts itself (language host, plugins, the program, sops).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { processNow, processTree } from "../../../stacks/engineProcesses";

/** The `pulumi` shim: PATH to give the processes, and what they ran. */
export interface PulumiShim {
  /** A PATH with the shim first. */
  readonly path: string;
  /** The argument lists (without the program) of every `pulumi` started so far. */
  calls(): string[][];
}

/** Installs the shim in `dir` in front of the `pulumi` that `path` finds now. */
export function installPulumiShim(dir: string, path: string = process.env["PATH"] ?? ""): PulumiShim {
  const real = execFileSync("sh", ["-c", "command -v pulumi"], { env: { PATH: path }, encoding: "utf8" }).trim();
  if (real === "") throw new Error("no pulumi on PATH; source the env.sh that scripts/setup-engine.sh prints");
  const bin = join(dir, "bin");
  const calls = join(dir, "calls");
  mkdirSync(bin, { recursive: true });
  mkdirSync(calls, { recursive: true });
  // One file per process (its pid, which exec keeps), each argument NUL-terminated.
  writeFileSync(join(bin, "pulumi"), `#!/bin/sh\nprintf '%s\\0' "$@" > '${calls}/'"$$"\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, "pulumi"), 0o755);
  return {
    path: `${bin}${delimiter}${path}`,
    calls: () => readdirSync(calls).map((file) => readFileSync(join(calls, file), "utf8").split("\0").slice(0, -1)),
  };
}

/** Every process below `root` now, from /proc (the stacks layer's own process tree). */
export function descendantsOf(root: number): number[] {
  const rootProcess = processNow(root);
  return rootProcess === undefined ? [] : processTree(rootProcess).slice(1).map((entry) => entry.pid);
}

/** Samples the command lines of `root`'s descendants until stopped; returns each distinct one. */
export function sampleCommandLines(root: number, everyMs = 20): { stop(): string[][] } {
  const seen = new Map<string, string[]>();
  const sample = (): void => {
    for (const pid of descendantsOf(root)) {
      try {
        const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (raw !== "" && !seen.has(raw)) seen.set(raw, raw.split("\0").filter((arg) => arg !== ""));
      } catch {
        // Gone already.
      }
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return [...seen.values()];
    },
  };
}

/** Which of `secrets` occur in any of the command lines, with the line: empty when none does. */
export function secretsOnCommandLines(commandLines: readonly (readonly string[])[], secrets: Readonly<Record<string, string>>): string[] {
  return commandLines.flatMap((line) => {
    const text = line.join(" ");
    return Object.entries(secrets)
      .filter(([, value]) => value.length >= 4 && text.includes(value))
      .map(([name]) => `${name} in: ${line.slice(0, 4).join(" ")} …`);
  });
}
