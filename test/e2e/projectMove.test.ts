/**
 * A stack outlives the checkout it was deployed from. Dynamic providers are saved in the stack's
 * state and run again later (a delete always runs the saved code), so they must not name the
 * directory they were deployed from. Two tenants are provisioned from one copy of the project;
 * that copy is deleted; from a copy elsewhere, one tenant's config changes and the other is removed
 * from the config (its resources deleted by the providers saved from the first copy), then the
 * stack is destroyed. Nothing is left on any store, and the engine's output never carries the
 * Qdrant client's plain-HTTP warning.
 */
import { execFileSync } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { localStack, PROJECT_ROOT } from "./support/localStack";
import { leftovers, reach } from "./support/storeChecks";

type Outputs = Record<string, { endpoints: TenantEndpoints; credentials: TenantCredentials }>;

const STAYS = { id: "stays", config: {} };
const LEAVES = { id: "leaves", config: {} };
const NO_LEFTOVER = { database: false, role: false, bucket: false, minioUser: false, redisUser: false, redisKeys: false, collection: false, qdrantGrant: false };

/** A checkout of the built project in a new temp dir: Pulumi.yaml, package.json, bin/, node_modules linked. */
async function projectCopy(label: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), `frostbyte-move-${label}-`)), "frostbyte");
  await mkdir(dir);
  await cp(join(PROJECT_ROOT, "bin"), join(dir, "bin"), { recursive: true });
  for (const file of ["Pulumi.yaml", "package.json"]) await copyFile(join(PROJECT_ROOT, file), join(dir, file));
  await symlink(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** `pulumi stack export` as an operator runs it (secrets stay encrypted). */
function exportedState(stack: Stack): string {
  return execFileSync("pulumi", ["stack", "export", "--stack", stack.name], {
    cwd: stack.workspace.workDir,
    env: { ...process.env, ...stack.workspace.envVars },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe("a stack deployed from one checkout is updated and destroyed from another", () => {
  const stackName = `e2e-move-${process.pid}`;
  let env: LocalEnvironment;
  let first: string;
  let second: string;
  let stateDir: string;
  let stack: Stack;
  let outputs: Outputs;
  const engineOutput: string[] = [];
  const onOutput = (line: string) => void engineOutput.push(line);

  beforeAll(async () => {
    env = await startLocalEnvironment();
    first = await projectCopy("first");
    ({ stack, stateDir } = await localStack(stackName, localStackConfig(env, [STAYS, LEAVES]), { workDir: first }));
  });
  afterAll(async () => {
    await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    await env?.stop();
    for (const dir of [first, second]) if (dir) await rm(join(dir, ".."), { recursive: true, force: true });
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("provisions two tenants from the first copy", async () => {
    const result = await stack.up({ onOutput });
    expect(result.summary.result).toBe("succeeded");
    outputs = (await stack.outputs())["tenantOutputs"]?.value as Outputs;
    expect(Object.keys(outputs).sort()).toEqual(["leaves", "stays"]);
    for (const id of ["leaves", "stays"]) expect((await env.controlPlane.registry.getTenant(id)).state).toBe("ACTIVE");
  });

  it("saves providers that name no directory of the checkout", () => {
    const state = exportedState(stack);
    expect(state).not.toContain(first);
    // Providers capture no secret, so their code is plain text in the export. (The engine's
    // source positions name node_modules, linked here to the repository's, which no run loads.)
    const resources = (JSON.parse(state) as { deployment: { resources: { type: string; inputs?: { __provider?: unknown } }[] } }).deployment.resources;
    const providers = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => ({ type: r.type, code: r.inputs?.__provider }));
    expect(new Set(providers.map((p) => p.type)).size).toBe(12);
    for (const { type, code } of providers) {
      expect(typeof code, type).toBe("string");
      expect(code, type).toMatch(/fromBuildRoot: "components\/[a-zA-Z/]+"/);
      expect(code, type).not.toContain(PROJECT_ROOT);
      expect(code, type).not.toContain(first);
    }
  });

  it("from a second copy, after the first is deleted, changes one tenant and deletes the other with the saved providers", async () => {
    second = await projectCopy("second");
    // The stack's settings file travels with a checkout, as it would in a repository.
    await copyFile(join(first, `Pulumi.${stackName}.yaml`), join(second, `Pulumi.${stackName}.yaml`));
    await rm(join(first, ".."), { recursive: true, force: true });

    const changed = { ...STAYS, config: { quotas: { db_connections: 9 } } };
    ({ stack } = await localStack(stackName, localStackConfig(env, [changed]), { workDir: second, stateDir }));
    const result = await stack.up({ onOutput });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges?.["replace"] ?? 0).toBe(0);
    expect(result.summary.resourceChanges?.["update"]).toBeGreaterThan(0);
    expect(result.summary.resourceChanges?.["delete"]).toBeGreaterThan(0);

    const limit = await env.postgres.query<{ rolconnlimit: number }>("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'tenant_stays_app'");
    expect(limit.rows[0]?.rolconnlimit).toBe(9);
    const staysEvents = (await env.controlPlane.registry.listEvents("stays")).map((e) => e.eventType);
    expect(staysEvents).toContain("TENANT_CONFIG_UPDATED");
    expect((await env.controlPlane.registry.getTenant("stays")).state).toBe("ACTIVE");

    expect(await leftovers(env, "leaves", outputs["leaves"]!.credentials)).toEqual(NO_LEFTOVER);
    expect((await env.controlPlane.registry.getTenant("leaves")).state).toBe("DEPROVISIONED");
    const stays = outputs["stays"]!;
    expect(await reach(env, stays.credentials, stays.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("destroys the rest from the second copy, leaving nothing on any store", async () => {
    const result = await stack.destroy({ onOutput });
    expect(result.summary.result).toBe("succeeded");
    for (const [id, tenant] of Object.entries(outputs)) {
      expect(await leftovers(env, id, tenant.credentials), id).toEqual(NO_LEFTOVER);
      expect((await env.controlPlane.registry.getTenant(id)).state).toBe("DEPROVISIONED");
      expect((await env.controlPlane.registry.verifyChain(id)).ok).toBe(true);
    }
    expect(env.hcloud.servers()).toEqual([]);
  });

  it("printed no warning about Qdrant on plain HTTP: the stores are on loopback", () => {
    const output = engineOutput.join("");
    expect(output).toContain("frostbyte:TenantProvisioningStart");
    expect(output).not.toMatch(/Api key is used with unsecure connection/);
    expect(output).not.toMatch(/plain HTTP/);
  });
});
