/**
 * The portal as an operator runs it (`node bin/cli/main.js portal`, a real process) with the real
 * engine and real stores (PostgreSQL, Redis, MinIO; Hetzner Cloud and Qdrant API test doubles):
 * a tenant's whole life over HTTP, with the registry, the audit chain and the stores checked at each
 * step; two creates of one tenant at once; and a portal killed mid-operation (its whole process
 * group, pulumi included, as a crashed host would lose it) whose restart fails the operation, the
 * tenant FAILED with an audit event, after which a retry converges.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { createToken } from "../../controlplane";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT } from "./support/localStack";
import { descendantsOf } from "./support/commandLines";
import { startPortal as startPortalProcess, type PortalProcess } from "./support/portalProcess";
import { leftovers, reach } from "./support/storeChecks";

const PASSPHRASE = "frostbyte-portal-e2e";

interface Operation {
  readonly operationId: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly state: string;
  readonly error: string | null;
}

describe("the portal with the real engine and real stores", () => {
  let env: LocalEnvironment;
  let dir: string;
  let baseConfigFile: string;
  let admin: string;
  let portal: PortalProcess | undefined;

  /** The portal in its own process group: the "crash" below kills it and every pulumi it started. */
  function startPortal(): Promise<PortalProcess> {
    const portalEnv = { ...process.env, FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state") };
    return startPortalProcess(baseConfigFile, portalEnv, { detached: true });
  }

  async function stopPortal(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const running = portal;
    portal = undefined;
    if (!running || running.child.exitCode !== null) return;
    const exited = new Promise((resolve) => running.child.once("exit", resolve));
    if (signal === "SIGKILL" && running.child.pid !== undefined) {
      // The engine starts each plugin in a process group of its own: kill every descendant.
      for (const pid of [running.child.pid, ...descendantsOf(running.child.pid)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    } else running.child.kill(signal);
    await exited;
  }

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    if (!portal) throw new Error("no portal running");
    const response = await fetch(`${portal.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
  }

  /** Reads the operation's server-sent events until the server ends the stream. */
  async function stream(operationId: string): Promise<{ progress: { type: string }[]; end: Operation }> {
    if (!portal) throw new Error("no portal running");
    const response = await fetch(`${portal.url}/operations/${operationId}/stream`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const blocks = (await response.text()).split("\n\n").filter((block) => block.trim() !== "" && !block.startsWith(":"));
    const events = blocks.map((block) => {
      const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
      return { event: fields["event"] ?? "message", data: JSON.parse(fields["data"] ?? "null") as unknown };
    });
    const end = events.find((event) => event.event === "end");
    if (!end) throw new Error(`the stream of ${operationId} ended without an end event`);
    return { progress: events.filter((event) => event.event === "progress").map((event) => event.data as { type: string }), end: end.data as Operation };
  }

  /** Follows the operation's stream to its end; it must have succeeded (the error is shown otherwise). */
  async function succeeds(operation: Operation): Promise<void> {
    const { end, progress } = await stream(operation.operationId);
    expect({ state: end.state, error: end.error, diagnostics: end.state === "succeeded" ? [] : progress.filter((event) => event.type === "diagnostic") }).toEqual({ state: "succeeded", error: null, diagnostics: [] });
  }

  async function accepted(method: string, path: string, body?: unknown): Promise<Operation> {
    const response = await call(method, path, body);
    expect(response.status, JSON.stringify(response.json)).toBe(202);
    return response.json as Operation;
  }

  /** The tenant's credentials and endpoints, read from its stack as an operator would. */
  async function stackOutputs(tenantId: string): Promise<{ credentials: TenantCredentials; endpoints: TenantEndpoints }> {
    const workspace = await LocalWorkspace.create({ workDir: PROJECT_ROOT, envVars: { PULUMI_BACKEND_URL: `file://${join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    const outputs = await workspace.stackOutputs(`tenant-${tenantId}`);
    const entry = (outputs["tenantOutputs"]?.value as Record<string, { credentials: TenantCredentials; endpoints: TenantEndpoints }>)[tenantId];
    if (!entry) throw new Error(`no outputs for ${tenantId}`);
    return entry;
  }

  async function registryAgrees(tenantId: string, state: string, lastEvent: string): Promise<void> {
    const tenant = await env.controlPlane.registry.getTenant(tenantId);
    expect(tenant.state).toBe(state);
    const view = (await call("GET", `/tenants/${tenantId}`)).json as { state: string };
    expect(view.state).toBe(state);
    const events = await env.controlPlane.registry.listEvents(tenantId);
    expect(events.at(-1)?.eventType).toBe(lastEvent);
    expect((await env.controlPlane.registry.verifyChain(tenantId)).ok).toBe(true);
  }

  beforeAll(async () => {
    env = await startLocalEnvironment();
    dir = await mkdtemp(join(tmpdir(), "frostbyte-portal-e2e-"));
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    admin = (await createToken(env.controlPlane.pool, { kind: "admin" })).token;
    portal = await startPortal();
  });

  afterAll(async () => {
    await stopPortal("SIGKILL").catch(() => undefined);
    await env?.stop();
    // The tenants' stack config files of the stacks this test left (their backend is deleted below).
    for (const id of ["acme", "globex", "initech"]) await rm(join(PROJECT_ROOT, `Pulumi.tenant-${id}.yaml`), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("create → 202 → streamed progress → ACTIVE, with the stores really there and isolated", async () => {
    const operation = await accepted("POST", "/tenants", { id: "acme", config: { network: { ssh_cidrs: ["198.51.100.0/24"] } } });
    expect(operation).toMatchObject({ tenantId: "acme", kind: "provision" });
    const { progress, end } = await stream(operation.operationId);
    expect(end).toMatchObject({ state: "succeeded", error: null });
    const types = new Set(progress.map((event) => event.type));
    expect(types).toContain("resource-started");
    expect(types).toContain("resource-finished");
    expect(progress.at(-1)).toMatchObject({ type: "summary", result: "succeeded" });
    await registryAgrees("acme", "ACTIVE", "TENANT_PROVISIONED");
    const acme = await stackOutputs("acme");
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("the same tenant created twice at once: one 202, one 409; the accepted one reaches ACTIVE", async () => {
    const [first, second] = await Promise.all([call("POST", "/tenants", { id: "globex", config: {} }), call("POST", "/tenants", { id: "globex", config: {} })]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const winner = (first.status === 202 ? first : second).json as Operation;
    expect((await stream(winner.operationId)).end.state).toBe("succeeded");
    await registryAgrees("globex", "ACTIVE", "TENANT_PROVISIONED");
  });

  it("suspend, resume, rotate and delete over HTTP: the stores refuse, accept again, take only the new credentials, then hold nothing", async () => {
    const acme = await stackOutputs("acme");
    await succeeds(await accepted("POST", "/tenants/acme/suspend"));
    await registryAgrees("acme", "SUSPENDED", "TENANT_SUSPENDED");
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });

    await succeeds(await accepted("POST", "/tenants/acme/resume"));
    await registryAgrees("acme", "ACTIVE", "TENANT_RESUMED");
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });

    // Rotation: every credential new, the old ones refused, the new ones accepted.
    await succeeds(await accepted("POST", "/tenants/acme/rotate"));
    await registryAgrees("acme", "ACTIVE", "TENANT_CREDENTIALS_ROTATED");
    expect((await env.controlPlane.registry.getTenant("acme")).credentialRotation).toBe("r2");
    const rotated = await stackOutputs("acme");
    expect(rotated.credentials.postgres.password).not.toBe(acme.credentials.postgres.password);
    expect(rotated.credentials.minio.secretKey).not.toBe(acme.credentials.minio.secretKey);
    expect(rotated.credentials.redis.password).not.toBe(acme.credentials.redis.password);
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    expect(await reach(env, rotated.credentials, rotated.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });

    await succeeds(await accepted("DELETE", "/tenants/acme"));
    await registryAgrees("acme", "DEPROVISIONED", "TENANT_DEPROVISIONED");
    expect(await leftovers(env, "acme", rotated.credentials)).toEqual({ database: false, role: false, bucket: false, minioUser: false, redisUser: false, collection: false, qdrantGrant: false });
  });

  it("a portal killed mid-operation: the restart fails the operation, the tenant FAILED with an audit event; a retry converges", async () => {
    const operation = await accepted("POST", "/tenants", { id: "initech", config: {} });
    // Wait until the stack has started provisioning (the registry says so), then kill everything.
    const deadline = Date.now() + 120_000;
    while ((await env.controlPlane.registry.getTenant("initech")).state !== "PROVISIONING") {
      if (Date.now() > deadline) throw new Error("initech never reached PROVISIONING");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stopPortal("SIGKILL");

    portal = await startPortal();
    const after = (await call("GET", `/operations/${operation.operationId}`)).json as Operation;
    expect(after).toMatchObject({ state: "failed", error: "interrupted by a portal restart" });
    await registryAgrees("initech", "FAILED", "TENANT_PROVISION_FAILED");
    const failed = (await env.controlPlane.registry.listEvents("initech")).at(-1);
    expect(failed?.details).toMatchObject({ from: "PROVISIONING", to: "FAILED", error: "interrupted by a portal restart", operation_id: operation.operationId });

    // The retry of a FAILED tenant: re-apply its config.
    const retry = await stream((await accepted("PATCH", "/tenants/initech/config", {})).operationId);
    expect(retry.end, JSON.stringify(retry.progress.filter((event) => event.type === "diagnostic"))).toMatchObject({ state: "succeeded" });
    await registryAgrees("initech", "ACTIVE", "TENANT_PROVISIONED");
    const initech = await stackOutputs("initech");
    expect(await reach(env, initech.credentials, initech.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });
});
