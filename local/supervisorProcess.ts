/**
 * Starts, finds and stops the detached supervisor (local/supervisor.ts) that keeps the local
 * stores and doubles running between `local up` and `local down`.
 */
import { spawn } from "node:child_process";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { readEnvironmentFile, type LocalEnvironmentDescription } from "./environmentFile";
import type { LocalPaths } from "./paths";

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function logTail(path: string): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trim().split("\n").slice(-15).join("\n");
}

/** The running environment, or undefined; a description left by a dead supervisor is removed. */
export async function runningEnvironment(paths: LocalPaths): Promise<LocalEnvironmentDescription | undefined> {
  const description = await readEnvironmentFile(paths.environmentFile);
  if (description === undefined) return undefined;
  if (isAlive(description.supervisorPid)) return description;
  await rm(paths.environmentFile, { force: true });
  return undefined;
}

/** Returns the running environment, starting the supervisor first when none runs. */
export async function ensureEnvironment(paths: LocalPaths, log: (line: string) => void): Promise<LocalEnvironmentDescription> {
  const running = await runningEnvironment(paths);
  if (running) {
    log(`local stores already running (supervisor pid ${running.supervisorPid})`);
    return running;
  }
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  const output = await open(paths.supervisorLog, "a", 0o600);
  const child = spawn(process.execPath, [join(__dirname, "supervisor.js")], {
    detached: true,
    stdio: ["ignore", output.fd, output.fd],
    env: process.env,
  });
  child.unref();
  await output.close();
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? -1));
  log(`starting PostgreSQL, Redis, MinIO and the Hetzner Cloud and Qdrant API test doubles (supervisor pid ${child.pid ?? "?"}, log ${paths.supervisorLog})`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`the local supervisor exited with code ${String(exited)}:\n${await logTail(paths.supervisorLog)}`);
    const description = await readEnvironmentFile(paths.environmentFile);
    if (description !== undefined && description.supervisorPid === child.pid) return description;
    await sleep(200);
  }
  if (child.pid !== undefined) stopProcessGroup(child.pid);
  throw new Error(`the local stores did not start within ${START_TIMEOUT_MS / 1000} s:\n${await logTail(paths.supervisorLog)}`);
}

function stopProcessGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Stops the supervisor (it stops every store and double); kills its process group if it hangs. */
export async function stopEnvironment(paths: LocalPaths, log: (line: string) => void): Promise<void> {
  const running = await runningEnvironment(paths);
  if (running === undefined) {
    log("no local stores running");
    return;
  }
  const pid = running.supervisorPid;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    log(`the supervisor did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing its process group`);
    stopProcessGroup(pid);
  }
  await rm(paths.environmentFile, { force: true });
  log("local stores and doubles stopped");
}
