/**
 * An engine command under its operation's deadline, with a stand-in for `pulumi` (a process of this
 * test whose argv[0] is `pulumi`, run as `pulumi up --stack tenant-x`, with a "plugin" below it):
 * one that stops on SIGINT, one that ignores SIGINT and SIGTERM and is killed with its plugin, one
 * that finishes in time, a deadline already passed, and a cancellation by the caller. The real
 * engine under a deadline is tested end to end in test/e2e/operationDeadline.test.ts.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationDeadline, OperationDeadlineError, runWithinDeadline } from "../../stacks";
import { findEngineCommand } from "../../stacks/engineProcesses";

/**
 * The stand-in: logs what it receives; FAKE_MODE stubborn ignores SIGINT/SIGTERM, cooperative stops
 * on SIGINT with its plugin, orphaning stops on SIGINT and leaves its plugin running, quick exits 0 at once.
 */
const FAKE_PULUMI = `
const { spawn } = require("node:child_process");
const { appendFileSync } = require("node:fs");
const log = (line) => appendFileSync(process.env.FAKE_LOG, line + "\\n");
if (process.env.FAKE_MODE === "quick") process.exit(0);
const plugin = spawn(process.execPath, ["-e", "process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"], { stdio: "ignore" });
log("plugin " + plugin.pid);
process.on("SIGINT", () => {
  log("SIGINT");
  if (process.env.FAKE_MODE === "cooperative") { plugin.kill("SIGKILL"); process.exit(255); }
  if (process.env.FAKE_MODE === "orphaning") process.exit(255);
});
process.on("SIGTERM", () => log("SIGTERM"));
setInterval(() => {}, 1000);
`;

describe("runWithinDeadline", () => {
  let dir: string;
  let lockReleases = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "frostbyte-deadline-"));
    await writeFile(join(dir, "up"), FAKE_PULUMI);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the stand-in as the Automation API runs pulumi: SIGINT when the signal aborts, rejected on a non-zero exit. */
  function fakePulumi(mode: string, log: string) {
    return (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["up", "--stack", "tenant-x"], { argv0: "pulumi", cwd: dir, env: { ...process.env, FAKE_MODE: mode, FAKE_LOG: log }, stdio: "ignore" });
        signal.addEventListener("abort", () => child.kill("SIGINT"), { once: true });
        child.on("exit", (code, killedBy) => (code === 0 ? resolve("updated") : reject(new Error(`pulumi exited ${code ?? killedBy}`))));
      });
  }

  const options = (seconds: number, extra: { signal?: AbortSignal } = {}) => ({
    deadline: new OperationDeadline(seconds),
    cancelGraceMs: 500,
    stackName: "tenant-x",
    command: "up" as const,
    during: () => 'the up of stack "tenant-x"',
    releaseLock: async () => {
      lockReleases += 1;
    },
    ...extra,
  });

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  };

  async function logOf(log: string): Promise<string[]> {
    return (await readFile(log, "utf8").catch(() => "")).split("\n").filter((line) => line !== "");
  }

  it("terminates, then kills an engine that ignores its cancellation, its plugin with it, and clears the lock", async () => {
    const log = join(dir, "stubborn.log");
    lockReleases = 0;
    const error = await runWithinDeadline(options(1), fakePulumi("stubborn", log)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationDeadlineError);
    expect((error as Error).message).toBe(
      'deadline of 1 s passed during the up of stack "tenant-x"; the engine did not stop within 0.5 s of its cancellation and was killed; ' +
        "the stack's lock was cleared",
    );
    const lines = await logOf(log);
    expect(lines.filter((line) => !line.startsWith("plugin "))).toEqual(["SIGINT", "SIGTERM"]);
    const plugin = Number(lines.find((line) => line.startsWith("plugin "))?.slice("plugin ".length));
    expect(plugin).toBeGreaterThan(0);
    expect(alive(plugin)).toBe(false);
    expect(findEngineCommand("tenant-x", "up")).toBeUndefined();
    expect(lockReleases).toBe(1);
  }, 30_000);

  it("an engine that stops on its cancellation fails with the deadline alone; no lock to clear", async () => {
    const log = join(dir, "cooperative.log");
    lockReleases = 0;
    const started = Date.now();
    const error = await runWithinDeadline(options(1), fakePulumi("cooperative", log)).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('deadline of 1 s passed during the up of stack "tenant-x"');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await logOf(log)).filter((line) => !line.startsWith("plugin "))).toEqual(["SIGINT"]);
    expect(lockReleases).toBe(0);
  });

  it("kills a plugin the stopped engine left running, and clears the lock it may have held", async () => {
    const log = join(dir, "orphaning.log");
    lockReleases = 0;
    const error = await runWithinDeadline(options(1), fakePulumi("orphaning", log)).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('deadline of 1 s passed during the up of stack "tenant-x"; 1 of its processes that outlived it were killed; the stack\'s lock was cleared');
    const plugin = Number((await logOf(log)).find((line) => line.startsWith("plugin "))?.slice("plugin ".length));
    expect(plugin).toBeGreaterThan(0);
    expect(alive(plugin)).toBe(false);
    expect(lockReleases).toBe(1);
  });

  it("a run that ends in time is left alone", async () => {
    lockReleases = 0;
    await expect(runWithinDeadline(options(30), fakePulumi("quick", join(dir, "quick.log")))).resolves.toBe("updated");
    expect(lockReleases).toBe(0);
  });

  it("starts nothing once the deadline has passed", async () => {
    let ran = false;
    const passed = { ...options(1), deadline: new OperationDeadline(1, Date.now() - 2_000) };
    await expect(
      runWithinDeadline(passed, async () => {
        ran = true;
      }),
    ).rejects.toThrow('deadline of 1 s passed during the up of stack "tenant-x"');
    expect(ran).toBe(false);
  });

  it("passes the caller's own cancellation on and its error through", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("the portal is shutting down"), 300);
    const error = await runWithinDeadline(options(30, { signal: controller.signal }), fakePulumi("cooperative", join(dir, "caller.log"))).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(OperationDeadlineError);
    expect((error as Error).message).toBe("pulumi exited 255");
  });
});
