/**
 * `frostbyte worker` as an operator runs it (`node <project>/bin/cli/main.js worker`, a real
 * process): started with `env` (the control plane, passphrase, backend, base config), ready once it
 * says it takes jobs, stopped with SIGTERM (it lets running operations finish first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Its id in the workers table (host:pid:random), as it printed it. */
  readonly workerId: string;
  /** Everything it wrote on stdout and stderr so far. */
  output(): string;
  /** SIGTERM, and waits until it exited. */
  stop(): Promise<void>;
}

/** How long a worker may take to register and open the queue. */
const READY_MS = 60_000;

/**
 * Starts a worker of the project in `projectDir` (its compiled bin/cli/main.js) with `env`;
 * `detached` gives it a process group of its own, so a test can kill it with everything it started.
 */
export async function startWorkerProcess(projectDir: string, baseConfigFile: string, env: NodeJS.ProcessEnv, options: { readonly detached?: boolean } = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(projectDir, "bin/cli/main.js"), "worker", "--base-config", baseConfigFile], {
    env,
    cwd: projectDir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (/frostbyte worker \S+: taking jobs/.test(output)) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > READY_MS) {
        clearInterval(timer);
        child.kill("SIGKILL");
        reject(new Error(`the worker did not start taking jobs within ${READY_MS / 1000} s: ${output}`));
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the worker exited ${String(code)}: ${output}`));
    });
  });
  return {
    child,
    workerId: /frostbyte worker (\S+): taking jobs/.exec(output)?.[1] ?? "",
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
