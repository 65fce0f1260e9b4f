/**
 * An operation that passes its deadline, on the real engine and stores: the Hetzner Cloud API (its
 * test double, behind a proxy that holds requests) never answers the server's creation, so the
 * portal's provisioning waits there until its deadline (FROSTBYTE_OPERATION_DEADLINE_SECONDS, made
 * short). The engine is cancelled, its processes are all gone, the stack is not left locked, the
 * tenant is FAILED with the deadline's reason in the operation row and in TENANT_PROVISION_FAILED,
 * and a retry once the API answers again provisions the tenant. Run `npm run build` first.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfigFromValues, createTenantStacks, tenantStackName, type TenantStacks } from "../../stacks";
import { findEngineCommand, isAlive, processTree, type EngineProcess } from "../../stacks/engineProcesses";
import { startHoldingProxy, type HoldingProxy } from "../doubles/holdingProxy";
import { finishedOperation, openInProcessPortal, type InProcessPortal } from "./support/inProcessPortal";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";

const PASSPHRASE = "frostbyte-deadline-e2e";
/** Unique per run: the stack's config file lands in the project directory. */
const ID = `late${process.pid}`;
const DEADLINE_SECONDS = 90;

/** Every lock file of the file backend (`.pulumi/locks/**`). */
function lockFiles(stateDir: string): string[] {
  const root = join(stateDir, ".pulumi", "locks");
  return existsSync(root) ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name) : [];
}

describe("an operation's deadline on the real engine", () => {
  let env: LocalEnvironment;
  let hcloud: HoldingProxy;
  let dir: string;
  let stateDir: string;
  let stacks: TenantStacks;
  let portal: InProcessPortal;

  beforeAll(async () => {
    env = await startLocalEnvironment();
    hcloud = await startHoldingProxy({ target: env.hcloud.url.replace(/\/v1$/, "") });
    dir = await mkdtemp(join(tmpdir(), "frostbyte-deadline-e2e-"));
    stateDir = join(dir, "state");
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    values["hcloud:endpoint"] = `${hcloud.url}/v1`;
    stacks = createTenantStacks(baseConfigFromValues(values), {
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: stateDir, FROSTBYTE_OPERATION_DEADLINE_SECONDS: String(DEADLINE_SECONDS), FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: "5" },
    });
    portal = await openInProcessPortal(env.controlPlane.pool, env.controlPlane.runtimeUrl, stacks);
  });

  afterAll(async () => {
    hcloud?.release();
    await portal?.close();
    if (stacks && (await stacks.workspace.stackNames().catch((): string[] => [])).includes(tenantStackName(ID))) {
      const stack = await stacks.createOrSelect(ID);
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    await hcloud?.close();
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("cancels the engine at the deadline, leaves no process and no lock behind, and settles the tenant FAILED with the reason", async () => {
    hcloud.hold((method, path) => method === "POST" && path === "/v1/servers");
    const started = Date.now();
    const operationId = await portal.start("POST", "/tenants", { id: ID, config: {} });

    // While the server's creation is held, the engine's processes: pulumi and everything below it.
    const seen = new Map<number, EngineProcess>();
    while (hcloud.held() === 0 && Date.now() - started < DEADLINE_SECONDS * 1000) {
      const command = findEngineCommand(tenantStackName(ID), "up");
      if (command) for (const member of processTree(command)) seen.set(member.pid, member);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(hcloud.held(), "the engine reached the server's creation before the deadline").toBeGreaterThan(0);
    const command = findEngineCommand(tenantStackName(ID), "up");
    expect(command).toBeDefined();
    for (const member of processTree(command!)) seen.set(member.pid, member);
    // pulumi, its language host, the program, and provider plugins.
    expect(seen.size).toBeGreaterThan(3);

    const operation = await finishedOperation(env.controlPlane.pool, operationId);
    const elapsed = (Date.now() - started) / 1000;
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_SECONDS);
    // The deadline, the cancel grace (5 s), the termination grace (10 s) and the bookkeeping.
    expect(elapsed).toBeLessThan(DEADLINE_SECONDS + 60);
    expect(operation.state).toBe("failed");
    expect(operation.error).toMatch(new RegExp(`^deadline of ${DEADLINE_SECONDS} s passed during the up of stack "${tenantStackName(ID)}" \\(in flight: [^)]*hcloud:index/server:Server "${ID}-hetzner-server"`));
    expect(operation.result).toEqual({ tenantState: "FAILED" });

    // Nothing of the engine runs any more, the held request was given up by its client, and no lock is left.
    expect([...seen.values()].filter(isAlive)).toEqual([]);
    expect(hcloud.dropped()).toBe(hcloud.held());
    expect(lockFiles(stateDir)).toEqual([]);

    const tenant = await env.controlPlane.registry.getTenant(ID);
    expect(tenant.state).toBe("FAILED");
    const failed = (await env.controlPlane.registry.listEvents(ID)).filter((event) => event.eventType === "TENANT_PROVISION_FAILED");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.details).toMatchObject({ operation: "up", resource_type: "pulumi:pulumi:Stack", resource_name: tenantStackName(ID), error: operation.error });
    expect((await env.controlPlane.registry.verifyChain(ID)).ok).toBe(true);
  });

  it("a retry once the API answers again is not blocked by the cancelled run and provisions the tenant", async () => {
    hcloud.release();
    const operationId = await portal.start("PATCH", `/tenants/${ID}/config`, {});
    const operation = await finishedOperation(env.controlPlane.pool, operationId);
    expect(operation.error).toBeNull();
    expect(operation.state).toBe("succeeded");
    expect((await env.controlPlane.registry.getTenant(ID)).state).toBe("ACTIVE");
    expect(env.hcloud.servers().filter((server) => server.name === `fb-${ID}-srv`)).toHaveLength(1);
    expect((await env.controlPlane.registry.verifyChain(ID)).ok).toBe(true);
    expect(lockFiles(stateDir)).toEqual([]);
  });
});
