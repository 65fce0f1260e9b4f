/**
 * `frostbyte token create|revoke` and `frostbyte portal`: in-process for the refusals, and the
 * compiled command (bin/cli/main.js of the project as built) as a real process serving HTTP until
 * SIGTERM.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../../cli/program";
import { findActiveToken, hashToken } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { sampleStackConfig } from "../support/sampleStackConfig";
import { TEST_PASSPHRASE } from "../stacks/support/baseConfig";
import { ensureEngine } from "../stacks/support/engine";
import { buildProjectView, type ProjectView } from "../stacks/support/projectView";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let view: ProjectView;
let baseConfigFile: string;

beforeAll(async () => {
  ensureEngine();
  [server, view] = await Promise.all([startPostgres(), buildProjectView()]);
  db = await createControlPlaneDatabase(server);
  await db.registry.createTenant("acme", { actor: "test" });
  const base = sampleStackConfig({ "frostbyte:controlPlaneDbUrl": db.runtimeUrl });
  delete base["frostbyte:tenants"];
  baseConfigFile = join(view.stateDir, "..", "base.yaml");
  await writeFile(baseConfigFile, stringify(base));
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
  await view?.remove();
});

async function frostbyte(args: string[], env: Record<string, string | undefined> = {}) {
  const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl, ...env });
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

describe("frostbyte token", () => {
  it("create --admin prints the token once; only its sha256 is stored", async () => {
    const result = await frostbyte(["token", "create", "--admin"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fbt_[A-Za-z0-9_-]{43}\n$/);
    const token = result.stdout.trim();
    expect(result.stderr).toMatch(/^created admin token [0-9a-f-]{36}, expiring \d{4}-\d\d-\d\dT[\d:.]+Z; it is shown only now \(revoke with: frostbyte token revoke [0-9a-f-]{36}\)\n$/);
    const stored = await db.pool.query<{ token_hash: string; kind: string }>("SELECT token_hash, kind FROM api_tokens");
    expect(stored.rows).toEqual([{ token_hash: hashToken(token), kind: "admin" }]);
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    expect(await findActiveToken(db.pool, token)).toMatchObject({ scope: { kind: "admin" } });
  });

  it("create --tenant <id> needs the tenant; revoke ends a token", async () => {
    const result = await frostbyte(["token", "create", "--tenant", "acme"]);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(await findActiveToken(db.pool, token)).toMatchObject({ scope: { kind: "tenant", tenantId: "acme" } });
    const tokenId = /created token of tenant "acme" ([0-9a-f-]{36})/.exec(result.stderr)?.[1] ?? "";
    const revoked = await frostbyte(["token", "revoke", tokenId]);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^token ${tokenId} revoked at \\d{4}-`)) });
    expect(await findActiveToken(db.pool, token)).toBeUndefined();
    expect((await frostbyte(["token", "revoke", "00000000-0000-4000-8000-000000000000"])).stderr).toBe('frostbyte: no token with id "00000000-0000-4000-8000-000000000000"\n');
  });

  it.each([
    [["token", "create"], "frostbyte: give --admin (every tenant), --role auditor (reads every tenant) or --tenant <id> (that tenant only)\n"],
    [["token", "create", "--admin", "--tenant", "acme"], "frostbyte: give either --admin or --tenant <id>, not both\n"],
    [["token", "create", "--tenant", "nobody"], 'frostbyte: tenant "nobody" is not in the registry\n'],
  ])("%j fails with one line", async (args, expected) => {
    expect(await frostbyte(args)).toMatchObject({ code: 1, stdout: "", stderr: expected });
  });
});

describe("frostbyte portal", () => {
  it("refuses a port that is not one, in one line", async () => {
    const result = await frostbyte(["portal"], { FROSTBYTE_PORTAL_PORT: "80000" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^frostbyte: port "80000": must be 0–65535[^\n]*\n$/);
  });

  it("the built command serves the API on a loopback port until SIGTERM, then exits 0", async () => {
    const admin = (await frostbyte(["token", "create", "--admin"])).stdout.trim();
    const { stdout, stderr, exited, stop } = await startBuilt(["portal", "--port", "0"], /frostbyte portal listening on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const url = /frostbyte portal listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout())?.[1] ?? "";
      expect(stdout()).toContain("(operations run on frostbyte worker processes)");
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", controlPlane: { ok: true } });
      expect((await fetch(`${url}/tenants`)).status).toBe(401);
      const tenants = await fetch(`${url}/tenants`, { headers: { authorization: `Bearer ${admin}` } });
      expect((await tenants.json()) as unknown).toMatchObject({ tenants: [{ tenantId: "acme", state: "PENDING" }] });
      // The request log never carries the token.
      expect(stdout()).not.toContain(admin);
    } finally {
      stop();
    }
    expect(await exited).toBe(0);
    expect(stdout()).toContain("frostbyte portal: SIGTERM, shutting down\n");
    expect(stderr()).toBe("");
  });
});

describe("frostbyte worker", () => {
  it.each([
    [{ FROSTBYTE_PORTAL_BASE_CONFIG: "base" }, /^frostbyte: PULUMI_CONFIG_PASSPHRASE is not set; [^\n]*\n$/],
    [{ PULUMI_CONFIG_PASSPHRASE: "x" }, /^frostbyte: no base config: give --base-config <file> or set FROSTBYTE_PORTAL_BASE_CONFIG[^\n]*\n$/],
    [{ PULUMI_CONFIG_PASSPHRASE: "x", FROSTBYTE_PORTAL_BASE_CONFIG: "/nonexistent/base.yaml" }, /^frostbyte: base config \/nonexistent\/base.yaml: ENOENT\n$/],
    [{ PULUMI_CONFIG_PASSPHRASE: "x", FROSTBYTE_PORTAL_BASE_CONFIG: "base", FROSTBYTE_WORKER_HEARTBEAT_SECONDS: "5" }, /^frostbyte: FROSTBYTE_WORKER_HEARTBEAT_SECONDS is "5"; expected a whole number from 10 to 3600 \(default 30\)\n$/],
    [{ PULUMI_CONFIG_PASSPHRASE: "x", FROSTBYTE_PORTAL_BASE_CONFIG: "base", FROSTBYTE_WORKER_CONCURRENCY: "0" }, /^frostbyte: FROSTBYTE_WORKER_CONCURRENCY is "0"; expected a whole number from 1 to 64/],
    [{ PULUMI_CONFIG_PASSPHRASE: "x", FROSTBYTE_PORTAL_BASE_CONFIG: "base", FROSTBYTE_DRIFT_SCHEDULE: "every day" }, /^frostbyte: [^\n]*FROSTBYTE_DRIFT_SCHEDULE[^\n]*\n$/],
  ])("refuses to start with %j, in one line", async (env, expected) => {
    const { FROSTBYTE_PORTAL_BASE_CONFIG, ...rest } = env as Record<string, string>;
    const result = await frostbyte(["worker"], { ...rest, FROSTBYTE_PORTAL_BASE_CONFIG: FROSTBYTE_PORTAL_BASE_CONFIG === "base" ? baseConfigFile : FROSTBYTE_PORTAL_BASE_CONFIG });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
  });

  it("refuses a base config the program would refuse, naming each key", async () => {
    const bad = join(view.stateDir, "..", "bad.yaml");
    await writeFile(bad, stringify({ "frostbyte:tenants": [], "frostbyte:mode": "sideways" }));
    const result = await frostbyte(["worker", "--base-config", bad], { PULUMI_CONFIG_PASSPHRASE: "x" });
    expect(result).toMatchObject({ code: 1, stderr: "frostbyte: frostbyte:tenants: is set per tenant by the portal; remove it from the base config\n" });
  });

  it("the built command registers, takes jobs until SIGTERM, then says it stopped and exits 0", async () => {
    const { stdout, stderr, exited, stop } = await startBuilt(["worker", "--base-config", baseConfigFile], /frostbyte worker (\S+): taking jobs/);
    const workerId = /frostbyte worker (\S+): taking jobs/.exec(stdout())?.[1] ?? "";
    try {
      expect(stdout()).toContain(`stacks: file://${view.stateDir}`);
      expect(stdout()).toContain("drift schedule: ");
      const live = await db.pool.query<{ state_backend: string; stopped_at: Date | null }>("SELECT state_backend, stopped_at FROM workers WHERE worker_id = $1", [workerId]);
      expect(live.rows).toEqual([{ state_backend: `file://${view.stateDir}`, stopped_at: null }]);
    } finally {
      stop();
    }
    expect(await exited).toBe(0);
    expect(stdout()).toContain("frostbyte worker: SIGTERM, shutting down\n");
    expect(stderr()).toBe("");
    const stopped = await db.pool.query<{ stopped: boolean }>("SELECT stopped_at IS NOT NULL AS stopped FROM workers WHERE worker_id = $1", [workerId]);
    expect(stopped.rows).toEqual([{ stopped: true }]);
  });
});

/** Starts the built CLI with `args` until its stdout matches `ready`; `stop` sends SIGTERM. */
async function startBuilt(args: readonly string[], ready: RegExp): Promise<{ stdout: () => string; stderr: () => string; exited: Promise<number | null>; stop: () => void }> {
  const child = spawn(process.execPath, [join(view.workDir, "bin/cli/main.js"), ...args], {
    env: { PATH: process.env["PATH"] ?? "", FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl, PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready.test(stdout)) resolve();
    });
    void exited.then((code) => reject(new Error(`${args[0]} exited ${code}: ${stderr}${stdout}`)));
  });
  return { stdout: () => stdout, stderr: () => stderr, exited, stop: () => child.kill("SIGTERM") };
}
