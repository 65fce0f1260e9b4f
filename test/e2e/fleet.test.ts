/**
 * `frostbyte fleet preview|up|drift` end to end: the compiled command as an operator runs it, a real
 * control plane and its job queue, two `frostbyte worker` processes running the fleet's operations,
 * the real engine on a file backend, and tenant stacks deployed on the local environment (real
 * PostgreSQL, Redis and MinIO; Qdrant and Hetzner API doubles on loopback).
 * Drift is made on a real store by hand (the tenant role's connection limit, with SQL), a busy
 * tenant is one whose stack holds the lock of a `pulumi up` that was killed, and a failing tenant
 * is one whose Hetzner server the API refuses to read.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { QdrantClient } from "@qdrant/js-client-rest";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createTenantStacks, desiredStateFromRegistry, loadBaseConfig, type TenantStacks } from "../../stacks";
import { ensureEngine } from "../stacks/support/engine";
import { runProcess } from "../support/runProcess";
import { buildProjectView, type ProjectView } from "../stacks/support/projectView";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { startWorkerProcess, type WorkerProcess } from "./support/workerProcess";
import { recentOperationsOf } from "../../controlplane";

const PASSPHRASE = "frostbyte-fleet-e2e";
const TENANTS = ["acme", "globex"] as const;
/** A duration as the fleet prints it (formatDuration): `12.3s`, or `1m05s` past a minute (a loaded machine). */
const DURATION = "(?:\\d+\\.\\ds|\\d+m\\d\\ds)";

let env: LocalEnvironment;
let view: ProjectView;
let baseConfigFile: string;
let stacks: TenantStacks;
let workers: WorkerProcess[] = [];

/** Starts `count` worker processes of the project view (no drift schedule: the tests ask for drift themselves). */
async function startWorkers(count: number): Promise<void> {
  const started = await Promise.all(Array.from({ length: count }, () => startWorkerProcess(view.workDir, baseConfigFile, { ...commandEnv(), FROSTBYTE_DRIFT_SCHEDULE: "off" })));
  workers.push(...started);
}

async function stopWorkers(): Promise<void> {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment the command runs with: the control plane, the stacks' backend and passphrase. */
function commandEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
    FROSTBYTE_PORTAL_BASE_CONFIG: baseConfigFile,
    FROSTBYTE_STATE_DIR: view.stateDir,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    SOPS_DISABLE_VERSION_CHECK: "1",
  };
}

/** Runs the project's compiled `frostbyte` (bin/cli/main.js of the project view) to its end. */
function frostbyte(...args: string[]): Promise<Run> {
  return runProcess(process.execPath, [join(view.workDir, "bin/cli/main.js"), ...args], { env: commandEnv(), cwd: view.workDir });
}

/** The summary table's row of a tenant, split into its columns. */
function row(run: Run, tenantId: string): string[] {
  const line = run.stdout.split("\n").find((l) => l.startsWith(`${tenantId} `));
  if (line === undefined) throw new Error(`no row for ${tenantId} in:\n${run.stdout}\n${run.stderr}`);
  return line.trim().split(/ {2,}/);
}

const connectionLimit = async (tenantId: string): Promise<number | undefined> =>
  (await env.postgres.query<{ rolconnlimit: number }>("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", [`tenant_${tenantId}_app`])).rows[0]?.rolconnlimit;

/** Files of the file backend's locks on a stack. */
function locksOf(stackName: string): string[] {
  const root = join(view.stateDir, ".pulumi", "locks");
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((path) => path.includes(stackName) && path.endsWith(".json"));
}

/**
 * Leaves a real stale lock on the stack: starts `pulumi up` on it in a process group of its own,
 * waits until the backend has the update's lock, then kills the whole group (as a crash would).
 */
async function killedUpLeavesLock(stackName: string): Promise<void> {
  const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stackName], {
    cwd: view.workDir,
    env: { ...commandEnv(), PULUMI_BACKEND_URL: `file://${view.stateDir}` },
    detached: true,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  try {
    for (let i = 0; i < 600 && locksOf(stackName).length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(locksOf(stackName), "pulumi up never took the stack's lock").not.toEqual([]);
  } finally {
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  }
  expect(locksOf(stackName)).not.toEqual([]);
}

beforeAll(async () => {
  ensureEngine();
  // Both are assigned before any failure is raised, so afterAll stops whatever did start.
  const started = await Promise.allSettled([startLocalEnvironment().then((e) => (env = e)), buildProjectView().then((v) => (view = v))]);
  for (const result of started) if (result.status === "rejected") throw result.reason;
  const values: Record<string, unknown> = localStackConfig(env, []).values;
  delete values["frostbyte:tenants"];
  baseConfigFile = join(view.stateDir, "..", "base.yaml");
  await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
  stacks = createTenantStacks(await loadBaseConfig(baseConfigFile), { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir }, workDir: view.workDir });
  process.env["SOPS_DISABLE_VERSION_CHECK"] = "1";

  // Two tenants provisioned the portal's way: registered PENDING, then their own stack's `up`.
  const registry = env.controlPlane.registry;
  await registry.createTenant("acme", { actor: "fleet-test", config: { network: { ssh_cidrs: ["198.51.100.0/24"] } } });
  await registry.createTenant("globex", { actor: "fleet-test", config: { quotas: { db_connections: 7 } } });
  await Promise.all(
    TENANTS.map(async (id) => {
      const reservation = stacks.reserve(id, "fleet test provision");
      try {
        await stacks.provision(reservation, desiredStateFromRegistry(await registry.getTenant(id)));
      } finally {
        reservation.release();
      }
    }),
  );
  // Two the fleet must leave alone: one never provisioned, one cancelled before anything existed.
  await registry.createTenant("hooli", { actor: "fleet-test" });
  await registry.createTenant("wayne", { actor: "fleet-test" });
  await registry.transition("wayne", "DEPROVISIONED", { actor: "fleet-test" });
  await startWorkers(2);
});

afterAll(async () => {
  await stopWorkers();
  await env?.stop();
  await view?.remove();
});

describe("frostbyte fleet on deployed tenants (real engine, real stores)", () => {
  it("the tenants are ACTIVE with their connection limits", async () => {
    for (const id of TENANTS) expect((await env.controlPlane.registry.getTenant(id)).state).toBe("ACTIVE");
    expect(await connectionLimit("acme")).toBe(20);
    expect(await connectionLimit("globex")).toBe(7);
  });

  it("fleet preview: both unchanged, the others skipped with their reason, a line per tenant, exit 0", async () => {
    const run = await frostbyte("fleet", "preview", "--concurrency", "2");
    expect(run.code, run.stderr).toBe(0);
    expect(row(run, "acme").slice(0, 3)).toEqual(["acme", "unchanged", "0"]);
    expect(row(run, "globex").slice(0, 3)).toEqual(["globex", "unchanged", "0"]);
    expect(row(run, "hooli")).toEqual(["hooli", "skipped", "-", "-", "PENDING: not provisioned yet (the portal provisions it)"]);
    expect(row(run, "wayne")).toEqual(["wayne", "skipped", "-", "-", "DEPROVISIONED: no stack to act on"]);
    expect(run.stdout.split("\n")[0]).toMatch(/^TENANT +RESULT +CHANGES +DURATION +MESSAGE$/);
    expect(run.stdout).toMatch(/^fleet preview: 2 unchanged, 2 skipped in \d/m);
    expect(run.stderr).toContain("fleet preview: 2 of 4 registry tenants, concurrency 2\n");
    for (const id of TENANTS) {
      expect(run.stderr).toContain(`${id}: preview started\n`);
      expect(run.stderr).toMatch(new RegExp(`^${id}: unchanged \\(0 changes\\) in ${DURATION}$`, "m"));
    }
  });

  it("fleet drift: a connection limit changed by hand on the real PostgreSQL is drift (exit 2); plain preview does not see it", async () => {
    await env.postgres.query("ALTER ROLE tenant_acme_app CONNECTION LIMIT 3");
    const drift = await frostbyte("fleet", "drift");
    expect(drift.code, drift.stderr).toBe(2);
    expect(row(drift, "acme").slice(0, 3)).toEqual(["acme", "drifted", "1"]);
    expect(row(drift, "globex").slice(0, 3)).toEqual(["globex", "unchanged", "0"]);
    expect(drift.stderr).toMatch(/^acme: drifted \(1 change: update 1\) in \d/m);
    expect(drift.stderr.trimEnd().split("\n").at(-1)).toBe("frostbyte: fleet drift: of 2 tenants, 1 drifted (acme)");
    // drift changes nothing: neither the store nor the registry
    expect(await connectionLimit("acme")).toBe(3);
    expect((await env.controlPlane.registry.getTenant("acme")).state).toBe("ACTIVE");

    const preview = await frostbyte("fleet", "preview");
    expect(preview.code, preview.stderr).toBe(0);
    expect(row(preview, "acme")[1]).toBe("unchanged");
  });

  it("fleet up: a plain up does not see the drift, while a tenant whose stack is locked by another process is reported busy (exit 1); up --refresh repairs it", async () => {
    await killedUpLeavesLock("tenant-globex");
    const up = await frostbyte("fleet", "up", "--concurrency", "1");
    expect(up.code, up.stderr).toBe(1);
    expect(row(up, "acme").slice(0, 3)).toEqual(["acme", "unchanged", "0"]);
    expect(row(up, "globex")).toEqual(["globex", "failed", "-", expect.stringMatching(new RegExp(`^${DURATION}$`)), "busy: locked by another process"]);
    expect(up.stderr.trimEnd().split("\n").at(-1)).toBe("frostbyte: fleet up: of 2 tenants, 1 failed (globex)");
    expect(await connectionLimit("acme")).toBe(3);
    // `up --refresh` (operation kind `repair`) reads the stores back first: the drift is repaired.
    const repair = await frostbyte("fleet", "up", "--refresh", "--concurrency", "1");
    expect(row(repair, "acme").slice(0, 3)).toEqual(["acme", "changed", "1"]);
    expect(await connectionLimit("acme")).toBe(20);
    const kinds = await env.controlPlane.pool.query<{ kind: string }>("SELECT kind FROM operations WHERE tenant_id = 'acme' ORDER BY created_at DESC LIMIT 1");
    expect(kinds.rows).toEqual([{ kind: "repair" }]);
    expect((await env.controlPlane.registry.getTenant("acme")).state).toBe("ACTIVE");
    expect((await env.controlPlane.registry.getTenant("globex")).state).toBe("ACTIVE");

    // The operator clears the stale lock (`pulumi cancel`); the tenant is fine again.
    const reservation = stacks.reserve("globex", "fleet test cancel");
    try {
      await stacks.cancelStaleUpdate(reservation);
    } finally {
      reservation.release();
    }
    expect(locksOf("tenant-globex")).toEqual([]);
  });

  it("a tenant left PROVISIONING by a killed run outside the portal is resumed by fleet up: FAILED on record, then ACTIVE", async () => {
    // What a `pulumi up` killed right after its write-back start leaves: PROVISIONING, no portal operation.
    const registry = env.controlPlane.registry;
    await registry.transition("globex", "PROVISIONING", { actor: "pulumi" });
    const before = (await registry.listEvents("globex")).length;

    const preview = await frostbyte("fleet", "preview");
    expect(preview.code, preview.stderr).toBe(0);
    expect(row(preview, "globex")[1]).toBe("changed");
    expect((await registry.getTenant("globex")).state).toBe("PROVISIONING");

    const up = await frostbyte("fleet", "up");
    expect(up.code, up.stderr).toBe(0);
    expect(row(up, "globex").slice(0, 2)).toEqual(["globex", "changed"]);
    expect((await registry.getTenant("globex")).state).toBe("ACTIVE");
    const resumed = (await registry.listEvents("globex")).slice(before);
    expect(resumed.map((event) => event.eventType)).toEqual(["TENANT_PROVISION_FAILED", "TENANT_PROVISION_STARTED", "TENANT_PROVISIONED"]);
    expect(resumed[0]?.details).toMatchObject({ error: "an earlier deployment ended before it finished provisioning" });
    expect((await registry.verifyChain("globex")).ok).toBe(true);
  });

  it("a tenant whose refresh fails on the Hetzner API is reported failed with the error, and the other still runs", async () => {
    const server = env.hcloud.servers().find((s) => s.name === "fb-globex-srv");
    expect(server).toBeDefined();
    env.hcloud.failNextRequest({ method: "GET", path: `/servers/${server!.id}`, code: "forbidden", message: "token lacks read access to this server" });
    const drift = await frostbyte("fleet", "drift");
    expect(drift.code, drift.stderr).toBe(1);
    expect(row(drift, "acme").slice(0, 3)).toEqual(["acme", "unchanged", "0"]);
    const globex = row(drift, "globex");
    expect(globex.slice(0, 3)).toEqual(["globex", "failed", "-"]);
    expect(globex[4]).toContain("token lacks read access to this server");
    expect(drift.stderr).toMatch(/^globex: failed in [^:]+: .*token lacks read access to this server/m);
    expect(drift.stdout + drift.stderr).not.toContain(env.hcloudToken);
  });

  it("after all that, fleet drift finds nothing (exit 0) and both tenants are ACTIVE", async () => {
    const drift = await frostbyte("fleet", "drift", "--concurrency", "4");
    expect(drift.code, drift.stderr).toBe(0);
    for (const id of TENANTS) {
      expect(row(drift, id).slice(0, 3)).toEqual([id, "unchanged", "0"]);
      expect((await env.controlPlane.registry.getTenant(id)).state).toBe("ACTIVE");
    }
    expect(drift.stdout).toMatch(/^fleet drift: 2 unchanged, 2 skipped in /m);
  });

  it("a suspension recorded while the fleet's up waits in the queue is what the up applies: an older fleet run never undoes it", async () => {
    const registry = env.controlPlane.registry;
    await stopWorkers();
    const up = frostbyte("fleet", "up", "--concurrency", "2");
    // Both tenants' up operations are queued, and no worker runs: then acme is suspended in the registry.
    for (let i = 0; i < 600; i += 1) {
      const latest = await Promise.all(TENANTS.map(async (id) => (await recentOperationsOf(env.controlPlane.pool, id, 1))[0]));
      if (latest.every((operation) => operation?.kind === "up" && operation.state === "queued")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await registry.transition("acme", "SUSPENDED", { actor: "fleet-test" });
    await startWorkers(1);
    const run = await up;
    expect(run.code, run.stderr).toBe(0);
    expect(row(run, "acme").slice(0, 2)).toEqual(["acme", "changed"]);
    expect(row(run, "globex").slice(0, 3)).toEqual(["globex", "unchanged", "0"]);
    expect((await registry.getTenant("acme")).state).toBe("SUSPENDED");
    const canLogin = async () => (await env.postgres.query<{ rolcanlogin: boolean }>("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tenant_acme_app'")).rows[0]?.rolcanlogin;
    expect(await canLogin()).toBe(false);

    // Resumed in the registry, the next fleet up brings the credentials back.
    await registry.transition("acme", "ACTIVE", { actor: "fleet-test" });
    const resumed = await frostbyte("fleet", "up");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(row(resumed, "acme").slice(0, 2)).toEqual(["acme", "changed"]);
    expect(await canLogin()).toBe(true);
    await startWorkers(1);
  });

  it("fleet preview skips what cannot have changed since the last up, and --full runs it anyway", async () => {
    const preview = await frostbyte("fleet", "preview");
    expect(preview.code, preview.stderr).toBe(0);
    for (const id of TENANTS) {
      expect(row(preview, id).slice(0, 4)).toEqual([id, "unchanged", "0", "-"]);
      expect(row(preview, id)[4]).toMatch(/^not run: unchanged since its last up, operation [0-9a-f-]{36}$/);
    }
    expect(preview.stderr).not.toContain("preview started");
    // A config change in the registry is a change: that tenant runs, the other is still skipped.
    await env.controlPlane.registry.updateConfig("globex", { quotas: { db_connections: 9 } }, { actor: "fleet-test" });
    const changed = await frostbyte("fleet", "preview");
    expect(row(changed, "globex").slice(0, 2)).toEqual(["globex", "changed"]);
    expect(changed.stderr).toContain("globex: preview started\n");
    expect(row(changed, "acme")[3]).toBe("-");
    const full = await frostbyte("fleet", "preview", "--full");
    expect(full.code, full.stderr).toBe(0);
    expect(row(full, "acme").slice(0, 3)).toEqual(["acme", "unchanged", "0"]);
    expect(row(full, "acme")[3]).toMatch(new RegExp(`^${DURATION}$`));
    // Once an up has applied it, neither runs again.
    const up = await frostbyte("fleet", "up");
    expect(up.code, up.stderr).toBe(0);
    expect(await connectionLimit("globex")).toBe(9);
    const after = await frostbyte("fleet", "preview");
    expect(after.stderr).toContain("fleet preview: 0 of 4 registry tenants, concurrency 4; 2 unchanged since their last up, not run (--full runs them)\n");
  });

  it("a Redis ACL user and a Qdrant collection deleted by hand are drift (their providers read them back); up --refresh recreates both", async () => {
    const redisAdmin = createClient({ url: env.redis.url, username: env.redis.adminUser, password: env.redis.adminPassword });
    await redisAdmin.connect();
    const qdrantAdmin = new QdrantClient({ url: env.qdrant.url, apiKey: env.qdrantApiKey, checkCompatibility: false });
    try {
      expect(await redisAdmin.sendCommand(["ACL", "DELUSER", "tenant-acme"])).toBe(1);
      await qdrantAdmin.deleteCollection("tenant_acme");

      const drift = await frostbyte("fleet", "drift");
      expect(drift.code, drift.stderr).toBe(2);
      expect(row(drift, "acme").slice(0, 2)).toEqual(["acme", "drifted"]);
      // The two are created again; the verification and completion that name their ids are updated.
      expect(drift.stderr).toMatch(/^acme: drifted \(\d+ changes: [^)]*create 2[^)]*\) in \d/m);
      expect(row(drift, "globex").slice(0, 3)).toEqual(["globex", "unchanged", "0"]);

      const up = await frostbyte("fleet", "up", "--refresh");
      expect(up.code, up.stderr).toBe(0);
      expect(row(up, "acme").slice(0, 2)).toEqual(["acme", "changed"]);
      expect(await redisAdmin.sendCommand<string[]>(["ACL", "USERS"])).toContain("tenant-acme");
      expect((await qdrantAdmin.collectionExists("tenant_acme")).exists).toBe(true);
      expect((await frostbyte("fleet", "drift")).code).toBe(0);
    } finally {
      await redisAdmin.close();
    }
  });
});
