/**
 * The control plane stopped with SIGSTOP in the middle of operations, on the real engine and stores
 * (the control plane on a PostgreSQL server of its own, with small time bounds in its URL): once
 * while the stack's write-back is under way (the tenant just PROVISIONING: age key, secrets file and
 * the end of provisioning still to record), once just after the write-back's last record, while the
 * portal still has to close the operation. Each pause only delays the bookkeeping: the operation
 * ends as it should, every record is written once, the audit chain is intact, no operation is left
 * running, and the next operation on the tenant works. Run `npm run build` first.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeOperations, createControlPlanePool, listProgress, TenantRegistry } from "../../controlplane";
import type { TenantState } from "../../domain";
import { baseConfigFromValues, createTenantStacks, tenantStackName, type TenantStacks } from "../../stacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { pausable, type PausablePostgres } from "../support/pausePostgres";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { TEST_WORKER_SETTINGS } from "../support/portalWithWorker";
import { finishedOperation, openInProcessPortal, type InProcessPortal } from "./support/inProcessPortal";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";

const PASSPHRASE = "frostbyte-pause-e2e";
/** Unique per run: the stack's config file lands in the project directory. */
const ID = `frozen${process.pid}`;
/** Small bounds: a paused server is noticed within seconds, by the portal and the stack alike. */
const BOUNDS = "connect_timeout=2&statement_timeout=2000&lock_timeout=2000&query_timeout=3000&idle_in_transaction_session_timeout=5000";
const PAUSE_MS = 8_000;

describe("a control plane paused mid-operation delays the bookkeeping and loses none of it", () => {
  let env: LocalEnvironment;
  let server: PostgresServer;
  let db: ControlPlaneDatabase;
  let control: PausablePostgres;
  let url: string;
  let portalPool: pg.Pool;
  let testPool: pg.Pool;
  let registry: TenantRegistry;
  let dir: string;
  let stacks: TenantStacks;
  let portal: InProcessPortal;

  beforeAll(async () => {
    env = await startLocalEnvironment();
    server = await startPostgres();
    db = await createControlPlaneDatabase(server);
    control = await pausable(server);
    url = `${db.runtimeUrl}${db.runtimeUrl.includes("?") ? "&" : "?"}${BOUNDS}`;
    portalPool = createControlPlanePool(url, { applicationName: "frostbyte-portal" });
    testPool = createControlPlanePool(url, { max: 2, applicationName: "pause-e2e" });
    registry = new TenantRegistry(db.pool);
    dir = await mkdtemp(join(tmpdir(), "frostbyte-pause-e2e-"));
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    values["frostbyte:controlPlaneDbUrl"] = url;
    stacks = createTenantStacks(baseConfigFromValues(values), {
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state"), FROSTBYTE_OPERATION_DEADLINE_SECONDS: "900" },
    });
    // A heartbeat well above the pause: a worker that cannot beat for two thirds of it cancels its operations.
    portal = await openInProcessPortal(portalPool, url, stacks, { ...TEST_WORKER_SETTINGS, heartbeatSeconds: 30 });
  });

  afterAll(async () => {
    control?.resume();
    await portal?.close();
    if (stacks && (await stacks.workspace.stackNames().catch((): string[] => [])).includes(tenantStackName(ID))) {
      const stack = await stacks.createOrSelect(ID);
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    await portalPool?.end();
    await testPool?.end();
    await db?.close();
    await server?.stop();
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The tenant's state and its operation's state, read through the small bounds; undefined when the control plane does not answer. */
  async function look(operationId: string): Promise<{ tenant?: TenantState; operation?: string }> {
    const [tenant, operation] = await Promise.all([
      testPool.query<{ state: TenantState }>("SELECT state FROM tenants WHERE tenant_id = $1", [ID]).then((r) => r.rows[0]?.state, () => undefined),
      testPool.query<{ state: string }>("SELECT state FROM operations WHERE operation_id = $1", [operationId]).then((r) => r.rows[0]?.state, () => undefined),
    ]);
    return { ...(tenant ? { tenant } : {}), ...(operation ? { operation } : {}) };
  }

  /**
   * Waits until the tenant is `state` while the operation still runs, then pauses the control plane
   * for PAUSE_MS. Returns the times the pause began and ended.
   */
  async function pauseWhen(operationId: string, state: TenantState): Promise<{ pausedAt: number; resumedAt: number }> {
    const until = Date.now() + 600_000;
    for (;;) {
      const seen = await look(operationId);
      if (seen.tenant === state) {
        expect(seen.operation, `the operation still runs when the tenant is ${state}`).toBe("running");
        break;
      }
      if (seen.operation === "succeeded" || seen.operation === "failed") throw new Error(`the operation ended (${seen.operation}) before the tenant was ${state}`);
      if (Date.now() > until) throw new Error(`the tenant did not become ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pausedAt = Date.now();
    expect(control.pause()).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    control.resume();
    return { pausedAt, resumedAt: Date.now() };
  }

  /** Progress is stored in order with no gap, ending with the engine's summary. */
  async function assertProgressComplete(operationId: string): Promise<void> {
    const progress = await listProgress(db.pool, operationId);
    expect(progress.map((p) => p.seq)).toEqual(progress.map((_p, index) => index + 1));
    expect(progress.some((p) => p.event.type === "summary")).toBe(true);
  }

  it("provisioning: paused while the write-back is under way, the tenant still ends ACTIVE with every record once", async () => {
    const operationId = await portal.start("POST", "/tenants", { id: ID, config: {} });
    const { pausedAt, resumedAt } = await pauseWhen(operationId, "PROVISIONING");
    const operation = await finishedOperation(db.pool, operationId);
    expect(operation.error).toBeNull();
    expect(operation).toMatchObject({ state: "succeeded", result: { tenantState: "ACTIVE" } });

    const events = await registry.listEvents(ID);
    expect(events.map((event) => event.eventType)).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_AGE_KEY_UPDATED", "TENANT_ISOLATION_VERIFIED", "TENANT_PROVISIONED"]);
    // The start was recorded before the pause, the rest after it: delayed, not lost.
    expect(Date.parse(events[1]!.occurredAt)).toBeLessThanOrEqual(pausedAt);
    expect(Date.parse(events.at(-1)!.occurredAt)).toBeGreaterThanOrEqual(resumedAt - 1_000);
    expect((await registry.getTenant(ID)).state).toBe("ACTIVE");
    expect((await registry.verifyChain(ID)).ok).toBe(true);
    await assertProgressComplete(operationId);
  });

  it("suspend: paused after the write-back's last record, the portal closes the operation once the control plane answers", async () => {
    const operationId = await portal.start("POST", `/tenants/${ID}/suspend`);
    const { resumedAt } = await pauseWhen(operationId, "SUSPENDED");
    const operation = await finishedOperation(db.pool, operationId);
    expect(operation.error).toBeNull();
    expect(operation).toMatchObject({ state: "succeeded", result: { tenantState: "SUSPENDED" } });
    expect(operation.finished_at.getTime()).toBeGreaterThanOrEqual(resumedAt - 1_000);
    expect((await registry.getTenant(ID)).state).toBe("SUSPENDED");
    expect((await registry.listEvents(ID)).filter((event) => event.eventType === "TENANT_SUSPENDED")).toHaveLength(1);
    expect((await registry.verifyChain(ID)).ok).toBe(true);
    await assertProgressComplete(operationId);
  });

  it("nothing is left blocked: no operation runs, and the next operation on the tenant works", async () => {
    expect(await activeOperations(db.pool)).toEqual([]);
    const operationId = await portal.start("POST", `/tenants/${ID}/resume`);
    const operation = await finishedOperation(db.pool, operationId);
    expect(operation).toMatchObject({ state: "succeeded", error: null, result: { tenantState: "ACTIVE" } });
    expect((await registry.getTenant(ID)).state).toBe("ACTIVE");
    expect((await registry.verifyChain(ID)).ok).toBe(true);
  });
});
