/**
 * `frostbyte fleet` as an operator runs it, on a real control plane (PostgreSQL, its job queue) and
 * the real engine (file backend, the project compiled into a temp project view), with one
 * `frostbyte worker` process running the fleet's operations. The base config's stores are at a
 * closed port, so a tenant whose stack is previewed fails for real; the deployed, successful paths
 * (unchanged, drifted, changed) are in test/e2e/fleet.test.ts. The refusals run in-process.
 */
import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../../cli/program";
import { getOperation, insertOperation, markRunning, markSucceeded, recentOperationsOf, recordAppliedDeployment, registerWorker } from "../../controlplane";
import { createTenantStacks, loadBaseConfig } from "../../stacks";
import { tenantFingerprints } from "../../stacks/appliedDeployments";
import { startWorkerProcess, type WorkerProcess } from "../e2e/support/workerProcess";
import { STORES_UNREACHABLE, testBaseConfig, TEST_PASSPHRASE } from "../stacks/support/baseConfig";
import { ensureEngine } from "../stacks/support/engine";
import { buildProjectView, type ProjectView } from "../stacks/support/projectView";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { runProcess, type ProcessRun } from "../support/runProcess";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let view: ProjectView;
let baseConfigFile: string;
let worker: WorkerProcess | undefined;

/** The environment of the compiled command and of its worker. */
function commandEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? "/tmp",
    FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    FROSTBYTE_STATE_DIR: view.stateDir,
    FROSTBYTE_PORTAL_BASE_CONFIG: baseConfigFile,
    FROSTBYTE_DRIFT_SCHEDULE: "off",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  if (process.env["PULUMI_HOME"]) env["PULUMI_HOME"] = process.env["PULUMI_HOME"];
  return env;
}

beforeAll(async () => {
  ensureEngine();
  // Both are assigned before any failure is raised, so afterAll stops whatever did start.
  const started = await Promise.allSettled([startPostgres().then((s) => (server = s)), buildProjectView().then((v) => (view = v))]);
  for (const result of started) if (result.status === "rejected") throw result.reason;
  db = await createControlPlaneDatabase(server);
  baseConfigFile = join(view.stateDir, "..", "base.yaml");
  await writeFile(baseConfigFile, stringify(testBaseConfig(db.runtimeUrl).values));

  const registry = db.registry;
  for (const id of ["acme", "globex", "hooli", "initech"]) await registry.createTenant(id, { actor: "fleet-test" });
  for (const id of ["acme", "globex", "initech"]) {
    await registry.transition(id, "PROVISIONING", { actor: "fleet-test" });
    await registry.transition(id, "ACTIVE", { actor: "fleet-test" });
  }
  // acme and globex have stacks (empty: never deployed); initech has none; ghost is a stack without a tenant.
  const stacks = createTenantStacks(testBaseConfig(db.runtimeUrl), { env: { PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir }, workDir: view.workDir });
  await Promise.all(["acme", "globex", "ghost"].map((id) => stacks.createOrSelect(id)));
  // The portal is working on globex.
  await insertOperation(db.pool, { tenantId: "globex", kind: "update_config", actor: "test" });
  worker = await startWorkerProcess(view.workDir, baseConfigFile, commandEnv());
});

afterAll(async () => {
  await worker?.stop();
  await db?.close();
  await server?.stop();
  await view?.remove();
});

async function inProcess(args: string[], env: Record<string, string | undefined>) {
  const io = memoryIo(env);
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** The compiled command of the project view, as a child process. */
function frostbyte(...args: string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, [join(view.workDir, "bin/cli/main.js"), ...args], { cwd: view.workDir, env: commandEnv() });
}

describe("frostbyte fleet: refusals, each in one line", () => {
  it.each([
    [["fleet", "preview", "--concurrency", "0"], 'frostbyte: --concurrency "0": must be an integer 1–64\n'],
    [["fleet", "up", "--concurrency", "two"], 'frostbyte: --concurrency "two": must be an integer 1–64\n'],
    [["fleet", "drift"], "frostbyte: no base config: give --base-config <file> or set FROSTBYTE_PORTAL_BASE_CONFIG (the stack config every tenant stack shares, DESIGN §8, without frostbyte:tenants)\n"],
  ])("%j", async (args, expected) => {
    const result = await inProcess(args, { FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });
    expect(result).toEqual({ code: 1, stdout: "", stderr: expected });
  });

  it("no control plane", async () => {
    const result = await inProcess(["fleet", "preview", "--base-config", baseConfigFile], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^frostbyte: FROSTBYTE_CONTROL_DB_URL is not set; .*\n$/);
  });

  it("--full belongs to preview only", async () => {
    const result = await inProcess(["fleet", "drift", "--full"], { FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: unknown option '--full'\n");
  });
});

describe("frostbyte fleet preview (real engine, stores unreachable)", () => {
  it("fails the tenant whose preview fails, refuses the one the portal is working on, skips the rest, exit 1", async () => {
    const run = await frostbyte("fleet", "preview", "--base-config", baseConfigFile, "--concurrency", "2");
    expect(run.code, run.stderr).toBe(1);
    const rows = run.stdout.split("\n").filter((line) => /^(acme|globex|hooli|initech) /.test(line)).map((line) => line.trim().split(/ {2,}/));
    expect(rows.map((row) => row.slice(0, 3))).toEqual([
      ["acme", "failed", "-"],
      ["globex", "failed", "-"],
      ["hooli", "skipped", "-"],
      ["initech", "skipped", "-"],
    ]);
    // The table cuts the message at 100 characters; the progress line has the error's whole first line.
    expect(rows[0]?.[4]?.length).toBeLessThanOrEqual(100);
    expect(run.stderr.split("\n").find((line) => line.startsWith("acme: failed"))).toMatch(STORES_UNREACHABLE);
    expect(rows[1]?.slice(3)).toEqual(["-", expect.stringMatching(/^busy: operation update_config [0-9a-f-]{36} queued$/)]);
    // acme's preview ran on the worker, as an operation of the fleet; globex got none.
    const [acme] = await recentOperationsOf(db.pool, "acme", 1);
    expect(acme).toMatchObject({ kind: "preview", actor: "fleet", state: "failed" });
    expect(acme?.workerId).toMatch(/:/);
    expect((await recentOperationsOf(db.pool, "globex", 5)).map((op) => op.kind)).toEqual(["update_config"]);
    expect(rows[2]?.slice(3)).toEqual(["-", "PENDING: not provisioned yet (the portal provisions it)"]);
    expect(rows[3]?.slice(3)).toEqual(["-", "ACTIVE, but no stack tenant-initech in the backend"]);
    expect(run.stdout).toContain("fleet preview: 2 failed, 2 skipped in ");
    expect(run.stdout).toContain("note: tenant stacks without a registry tenant that has a stack: tenant-ghost\n");

    expect(run.stderr).toContain("fleet preview: 1 of 4 registry tenants, concurrency 2\n");
    expect(run.stderr).toContain("acme: preview started\n");
    expect(run.stderr).not.toContain("globex: preview started");
    expect(run.stderr).toMatch(/^acme: failed in \d+\.\ds: \S/m);
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe("frostbyte: fleet preview: of 2 tenants, 2 failed (acme, globex)");
    // No secret of the base config in anything printed.
    for (const secret of ["test-minio-admin", "test-postgres-admin", "test-redis-admin", "test-qdrant-admin-key", TEST_PASSPHRASE]) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});

describe("frostbyte fleet preview: the skip of tenants unchanged since their last up", () => {
  it("reports a tenant whose fingerprint is the one its last up recorded unchanged without enqueueing it; --full runs it", async () => {
    // What a worker records after a successful up of acme: its operation, then the fingerprint of what it applied.
    const workerId = "fleet-test-worker";
    await registerWorker(db.pool, { workerId, host: hostname(), pid: 1, stateBackend: `file://${view.stateDir}` }, 3600);
    const up = await insertOperation(db.pool, { tenantId: "acme", kind: "up", actor: "test" });
    await markRunning(db.pool, up.operationId, workerId, 1);
    const fingerprints = await tenantFingerprints(await loadBaseConfig(baseConfigFile), view.workDir);
    await recordAppliedDeployment(db.pool, { tenantId: "acme", operationId: up.operationId, fingerprint: fingerprints.ofTenant(await db.registry.getTenant("acme")) });
    await markSucceeded(db.pool, up.operationId, { tenantState: "ACTIVE" }, workerId);

    const skipped = await frostbyte("fleet", "preview");
    expect(skipped.code, skipped.stderr).toBe(1);
    const acmeRow = skipped.stdout.split("\n").find((line) => line.startsWith("acme "))?.trim().split(/ {2,}/);
    expect(acmeRow?.slice(0, 4)).toEqual(["acme", "unchanged", "0", "-"]);
    expect(acmeRow?.[4]).toBe(`not run: unchanged since its last up, operation ${up.operationId}`);
    expect(skipped.stderr).toContain("fleet preview: 0 of 4 registry tenants, concurrency 4; 1 unchanged since their last up, not run (--full runs them)\n");
    expect(skipped.stderr).not.toContain("acme: preview started");
    expect((await recentOperationsOf(db.pool, "acme", 1))[0]?.operationId).toBe(up.operationId);

    const full = await frostbyte("fleet", "preview", "--full");
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toContain("acme: preview started\n");
    expect(full.stdout.split("\n").find((line) => line.startsWith("acme "))).toMatch(/^acme +failed /);
    const [ran] = await recentOperationsOf(db.pool, "acme", 1);
    expect(ran?.kind).toBe("preview");
    expect((await getOperation(db.pool, up.operationId))?.state).toBe("succeeded");
  });
});
