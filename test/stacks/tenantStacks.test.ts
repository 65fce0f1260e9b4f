/**
 * The stacks layer against the real engine (pulumi CLI, Node.js language host, file backend,
 * passphrase secrets) running the project's compiled program. The stores of the base config are at
 * a closed port, so every `up` and `preview` fails (a store refuses the connection, or a provider
 * plugin is missing): these tests check the failure path, never a faked success.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { startSilentServer } from "../support/silentServer";
import { homedir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../domain";
import {
  createTenantStacks,
  OperationDeadlineError,
  StackCommandError,
  StackConflictError,
  TenantBusyError,
  TenantStackNotFoundError,
  translateAutomationError,
  type ProgressEvent,
  type TenantStacks,
} from "../../stacks";
import { STORES_UNREACHABLE, testBaseConfig, TEST_PASSPHRASE } from "./support/baseConfig";
import { ensureEngine } from "./support/engine";
import { buildProjectView, type ProjectView } from "./support/projectView";

let view: ProjectView;
let stacks: TenantStacks;
const desired = { config: parseTenantConfig({}), suspended: false };

function newStacks(): TenantStacks {
  return createTenantStacks(testBaseConfig(), { env: { PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir }, workDir: view.workDir });
}

beforeAll(async () => {
  ensureEngine();
  view = await buildProjectView();
  stacks = newStacks();
});

afterAll(async () => {
  await view?.remove();
});

/** The CLI's workspace files of this project (PULUMI_HOME/workspaces/<project>-<hash>-workspace.json). */
function workspaceFiles(): string[] {
  const dir = join(process.env["PULUMI_HOME"] ?? join(homedir(), ".pulumi"), "workspaces");
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
}

describe("tenant stacks (real engine, file backend)", () => {
  it("creates five tenants' stacks concurrently without corrupting the workspace, and selects them again concurrently", async () => {
    const ids = ["alpha", "bravo", "charlie", "delta", "echo"];
    const before = new Set(workspaceFiles());
    const created = await Promise.all(ids.map((id) => stacks.createOrSelect(id)));
    expect(created.map((stack) => stack.name)).toEqual(ids.map((id) => `tenant-${id}`));
    const reselected = await Promise.all(ids.map((id) => stacks.createOrSelect(id)));
    expect(reselected.map((stack) => stack.name)).toEqual(created.map((stack) => stack.name));

    expect((await stacks.workspace.stackNames()).sort()).toEqual(ids.map((id) => `tenant-${id}`));
    // Each stack's config file exists (the passphrase salt) and the backend holds a readable stack file.
    for (const id of ids) {
      expect(readFileSync(join(view.workDir, `Pulumi.tenant-${id}.yaml`), "utf8")).toContain("encryptionsalt");
      const state = JSON.parse(readFileSync(join(view.stateDir, ".pulumi/stacks/frostbyte", `tenant-${id}.json`), "utf8")) as { version?: number };
      expect(state.version).toBeGreaterThan(0);
    }
    // The shared workspace file this project's stacks use is valid JSON naming one of them.
    const mine = workspaceFiles().filter((file) => !before.has(file) || readFileSync(file, "utf8").includes(view.stateDir));
    expect(mine.length).toBeGreaterThan(0);
    for (const file of mine) {
      const selected = JSON.parse(readFileSync(file, "utf8")) as { stacks?: Record<string, string> };
      expect(Object.values(selected.stacks ?? {}).some((name) => ids.some((id) => name.endsWith(`/tenant-${id}`)))).toBe(true);
    }
  });

  it("maps the Automation API's errors: an existing stack is a conflict, a missing one not found", async () => {
    const workspace = await stacks.workspace.get();
    const exists = await Stack.create("tenant-alpha", workspace).catch((error: unknown) => error);
    expect(translateAutomationError(exists, "tenant-alpha")).toBeInstanceOf(StackConflictError);
    expect(String(translateAutomationError(exists, "tenant-alpha"))).toContain('stack "tenant-alpha" already exists');
    await expect(stacks.workspace.select("tenant-nobody")).rejects.toThrow(TenantStackNotFoundError);
    await expect(stacks.outputs("nobody")).rejects.toThrow(TenantStackNotFoundError);
  });

  it("refuses a second operation on a busy tenant at once, and reports the failed up with the engine's error", async () => {
    const progress: ProgressEvent[] = [];
    const reservation = stacks.reserve("foxtrot", "provision test");
    const first = stacks.provision(reservation, desired, { onProgress: (event) => progress.push(event) });
    // Refused synchronously while the first runs, never queued behind it.
    expect(() => stacks.reserve("foxtrot", "second")).toThrow(TenantBusyError);
    expect(() => stacks.reserve("foxtrot", "second")).toThrow('tenant "foxtrot" already has an operation in progress (provision test)');
    // Another tenant is not affected.
    stacks.reserve("golf", "other tenant").release();

    const error = await first.catch((caught: unknown) => caught);
    reservation.release();
    expect(error).toBeInstanceOf(StackCommandError);
    expect((error as Error).message).toMatch(STORES_UNREACHABLE);
    expect((error as Error).message).not.toContain("Command failed");

    const types = progress.map((event) => (event.type === "step" ? `step:${event.step}` : event.type));
    expect(types.slice(0, 3)).toEqual(["step:stack-selected", "step:config-written", "step:update-started"]);
    expect(types).toContain("resource-started");
    expect(progress).toContainEqual(expect.objectContaining({ type: "diagnostic", severity: "error", message: expect.stringMatching(STORES_UNREACHABLE) }));
    expect(progress.at(-1)).toMatchObject({ type: "summary", result: "failed" });
    // No secret of the base config reaches the progress stream.
    const text = JSON.stringify(progress);
    for (const secret of ["test-minio-admin", "test-postgres-admin", "test-redis-admin", "test-qdrant-admin-key", "a".repeat(64), TEST_PASSPHRASE]) {
      expect(text).not.toContain(secret);
    }
    // The stack holds exactly the one tenant, with its secrets encrypted.
    const config = await (await stacks.createOrSelect("foxtrot")).getAllConfig();
    expect(JSON.parse(config["frostbyte:tenants"]?.value ?? "[]")).toEqual([{ id: "foxtrot", config: desired.config, suspended: false }]);
    expect(config["minio:minioPassword"]).toMatchObject({ secret: true });
    expect(readFileSync(join(view.workDir, "Pulumi.tenant-foxtrot.yaml"), "utf8")).not.toContain("test-minio-admin");
    expect(await stacks.outputs("foxtrot")).toEqual({});
  });

  it("preview fails the same way, and suspend writes the suspended flag", async () => {
    const reservation = stacks.reserve("foxtrot", "preview test");
    try {
      await expect(stacks.preview(reservation, desired)).rejects.toThrow(STORES_UNREACHABLE);
      await expect(stacks.suspend(reservation, desired)).rejects.toThrow(StackCommandError);
      const config = await (await stacks.createOrSelect("foxtrot")).getAllConfig();
      expect(JSON.parse(config["frostbyte:tenants"]?.value ?? "[]")).toEqual([{ id: "foxtrot", config: desired.config, suspended: true }]);
      // Given a desired state, suspend and resume keep its rotation token.
      await expect(stacks.resume(reservation, { ...desired, rotation: "r3" })).rejects.toThrow(StackCommandError);
      const resumed = await (await stacks.createOrSelect("foxtrot")).getAllConfig();
      expect(JSON.parse(resumed["frostbyte:tenants"]?.value ?? "[]")).toEqual([{ id: "foxtrot", config: desired.config, suspended: false, rotation: "r3" }]);
    } finally {
      reservation.release();
    }
  });

  it("a second process's update of a locked stack is a conflict (ConcurrentUpdateError → StackConflictError)", async () => {
    // The first update holds the backend's lock for as long as the test wants: its control plane
    // accepts connections and never answers, and connect_timeout=0 lets its write-back start wait
    // without limit. A hang-up does not end it (the write-back retries a control plane that drops
    // its connections); its operation's deadline does, and the holder's lock is cleared with it.
    const silent = await startSilentServer();
    const holder = createTenantStacks(testBaseConfig(`postgres://frostbyte:test-only@127.0.0.1:${silent.port}/frostbyte?connect_timeout=0`), {
      env: { PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir, FROSTBYTE_OPERATION_DEADLINE_SECONDS: "30", FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: "2" },
      workDir: view.workDir,
    });
    // Another process = another workspace with its own locks, on the same project and backend.
    const other = newStacks();
    const otherStack = await LocalWorkspace.selectStack(
      { stackName: "tenant-foxtrot", workDir: view.workDir },
      { workDir: view.workDir, envVars: { PULUMI_BACKEND_URL: `file://${view.stateDir}`, PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE } },
    );
    const reservation = holder.reserve("foxtrot", "lock holder");
    const first = holder
      .provision(reservation, desired)
      .catch((error: unknown) => error)
      .finally(() => reservation.release());
    try {
      await silent.connected;
      const second = await otherStack.up({ color: "never" }).catch((error: unknown) => error);
      expect(translateAutomationError(second, "tenant-foxtrot")).toEqual(new StackConflictError("tenant-foxtrot", "locked"));
    } finally {
      silent.hangUp();
    }
    const firstError = translateAutomationError(await first, "tenant-foxtrot");
    expect(firstError).toBeInstanceOf(OperationDeadlineError);
    expect((firstError as Error).message).toMatch(/^deadline of 30 s passed during the up of stack "tenant-foxtrot" \(in flight: [^)]*TenantProvisioningStart/);
    expect(other.isBusy("foxtrot")).toBe(false);
    await silent.close();
  }, 150_000);

  it("deprovision destroys the stack's resources and removes the stack and its config file", async () => {
    expect(await stacks.workspace.stackNames()).toContain("tenant-foxtrot");
    const progress: ProgressEvent[] = [];
    const reservation = stacks.reserve("foxtrot", "deprovision test");
    try {
      const outcome = await stacks.deprovision(reservation, { onProgress: (event) => progress.push(event) });
      expect(outcome).toMatchObject({ stackExisted: true, summary: { result: "succeeded" } });
    } finally {
      reservation.release();
    }
    const finished = progress.filter((e) => e.type === "resource-finished");
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(new Set(finished.map((e) => (e.type === "resource-finished" ? e.op : "")))).toEqual(new Set(["delete"]));
    expect(progress.at(-1)).toEqual({ type: "step", step: "stack-removed" });
    expect(await stacks.workspace.stackNames()).not.toContain("tenant-foxtrot");
    expect(existsSync(join(view.workDir, "Pulumi.tenant-foxtrot.yaml"))).toBe(false);

    const none = stacks.reserve("never-created", "deprovision test");
    try {
      expect(await stacks.deprovision(none)).toEqual({ stackExisted: false });
    } finally {
      none.release();
    }
  });

  it("a released or foreign reservation cannot run an operation", async () => {
    const reservation = stacks.reserve("hotel", "test");
    reservation.release();
    await expect(stacks.provision(reservation, desired)).rejects.toThrow("the reservation was released");
    const foreign = newStacks().reserve("hotel", "other");
    await expect(stacks.deprovision(foreign)).rejects.toThrow("the reservation was released or belongs to another TenantStacks");
  });
});
