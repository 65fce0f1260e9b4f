/**
 * The portal and two workers as an operator runs them (`node bin/cli/main.js portal|worker`, real
 * processes), the stacks on Pulumi's PostgreSQL DIY backend, with the real engine and real stores
 * (PostgreSQL, Redis, MinIO; Hetzner Cloud and Qdrant API test doubles): a tenant's whole life over
 * HTTP, with the registry, the audit chain and the stores checked at each step; two creates of one
 * tenant at once; several tenants provisioned at once, spread over both workers; and a worker killed
 * with SIGKILL in the middle of an `up` (its whole process group, pulumi included, as a lost host
 * would lose it) while the portal is restarted: the other worker takes the job over, the tenant ends
 * ACTIVE with its audit chain valid, no tenant ever ran on two workers at once, and the restarted
 * portal streams the operation to its end.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { attemptsOfTenant, createToken } from "../../controlplane";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT, tenantStackOutputs } from "./support/localStack";
import { descendantsOf } from "./support/commandLines";
import { startPortal as startPortalProcess, startPortalOnly, type PortalProcess } from "./support/portalProcess";
import { leftovers, reach } from "./support/storeChecks";

const PASSPHRASE = "frostbyte-portal-e2e";
/** Tenants provisioned at once, more than one worker's concurrency. */
const SPREAD = ["hooli", "umbrella", "soylent", "wonka"];

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
  let backendUrl: string;
  let processEnv: NodeJS.ProcessEnv;
  let deployment: PortalProcess;
  /** The portal the calls go to (restarted by the last test). */
  let portal: Omit<PortalProcess, "workers"> | undefined;

  /** Kills the process and every descendant (the engine starts each plugin in a process group of its own), as a lost host would. */
  async function killWithDescendants(child: PortalProcess["child"]): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    for (const pid of [child.pid, ...descendantsOf(child.pid)]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
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
  const stackOutputs = (tenantId: string) => tenantStackOutputs({ PULUMI_BACKEND_URL: backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }, tenantId);

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
    // The stacks on Pulumi's PostgreSQL DIY backend, in a database of the environment's server.
    await env.postgres.createDatabase("pulumi_state");
    // On the stores' server, the state database is closed to PUBLIC like every other non-tenant
    // database: the isolation verification refuses a tenant role that can connect to it.
    await env.postgres.query("REVOKE ALL ON DATABASE pulumi_state FROM PUBLIC");
    const stateUrl = new URL(env.postgres.url("pulumi_state"));
    stateUrl.protocol = "postgres:";
    stateUrl.searchParams.set("sslmode", "disable");
    backendUrl = stateUrl.href;
    processEnv = {
      ...process.env,
      FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_BACKEND_URL: backendUrl,
      FROSTBYTE_WORKER_HEARTBEAT_SECONDS: "10",
      FROSTBYTE_WORKER_SUPERVISE_SECONDS: "1",
      FROSTBYTE_WORKER_CONCURRENCY: "2",
      FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: "5",
      FROSTBYTE_DRIFT_SCHEDULE: "off",
    };
    deployment = await startPortalProcess(baseConfigFile, processEnv, { detached: true, workers: 2 });
    portal = deployment;
  });

  afterAll(async () => {
    if (portal !== deployment) await portal?.stop();
    await deployment?.stop();
    await env?.stop();
    // The tenants' stack config files of the stacks this test left (their backend is deleted below).
    for (const id of ["acme", "globex", "initech", ...SPREAD]) await rm(join(PROJECT_ROOT, `Pulumi.tenant-${id}.yaml`), { force: true });
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
    expect(await leftovers(env, "acme", rotated.credentials)).toEqual({ database: false, role: false, bucket: false, minioUser: false, redisUser: false, redisKeys: false, collection: false, qdrantGrant: false });
  });

  it("several tenants provisioned at once are spread over both workers and all end ACTIVE", async () => {
    const operations = await Promise.all(SPREAD.map((id) => accepted("POST", "/tenants", { id, config: {} })));
    for (const operation of operations) await succeeds(operation);
    for (const id of SPREAD) await registryAgrees(id, "ACTIVE", "TENANT_PROVISIONED");
    const ran = await env.controlPlane.pool.query<{ worker_id: string }>("SELECT DISTINCT worker_id FROM operations WHERE tenant_id = ANY($1)", [SPREAD]);
    expect(new Set(ran.rows.map((row) => row.worker_id))).toEqual(new Set(deployment.workers.map((worker) => worker.workerId)));
  });

  it("a worker killed mid-up while the portal restarts: the other takes the job over, the tenant ends ACTIVE, nothing is lost or run twice at once", async () => {
    const operation = await accepted("POST", "/tenants", { id: "initech", config: {} });
    // Wait until the stack has started provisioning (the registry says so) on some worker.
    const deadline = Date.now() + 120_000;
    while ((await env.controlPlane.registry.getTenant("initech")).state !== "PROVISIONING") {
      if (Date.now() > deadline) throw new Error("initech never reached PROVISIONING");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const runner = (await env.controlPlane.pool.query<{ worker_id: string }>("SELECT worker_id FROM operations WHERE operation_id = $1", [operation.operationId])).rows[0]?.worker_id;
    const lost = deployment.workers.find((worker) => worker.workerId === runner);
    const survivor = deployment.workers.find((worker) => worker.workerId !== runner);
    if (!lost || !survivor) throw new Error(`the operation runs on ${String(runner)}, not on one of this test's workers`);
    await killWithDescendants(lost.child);
    // The portal goes down and comes back meanwhile (its workers go on): it holds nothing of the operation.
    const portalExited = new Promise((resolve) => deployment.child.once("exit", resolve));
    deployment.child.kill("SIGTERM");
    await portalExited;
    portal = await startPortalOnly(processEnv, { detached: true });

    const { end, progress } = await stream(operation.operationId);
    expect(end, JSON.stringify(progress.filter((event) => event.type === "diagnostic"))).toMatchObject({ state: "succeeded", error: null });
    await registryAgrees("initech", "ACTIVE", "TENANT_PROVISIONED");
    const events = await env.controlPlane.registry.listEvents("initech");
    const takeover = events.findIndex((event) => event.eventType === "TENANT_PROVISION_FAILED");
    expect(events[takeover]?.details).toMatchObject({
      from: "PROVISIONING",
      to: "FAILED",
      operation_id: operation.operationId,
      error: expect.stringContaining(`worker ${lost.workerId} stopped answering`),
    });
    expect(events.slice(takeover + 1).map((event) => event.eventType)).toContain("TENANT_PROVISION_STARTED");
    const attempts = await attemptsOfTenant(env.controlPlane.pool, "initech");
    expect(attempts.map((attempt) => [attempt.attempt, attempt.workerId, attempt.outcome])).toEqual([
      [1, lost.workerId, "lost"],
      [2, survivor.workerId, "succeeded"],
    ]);
    const initech = await stackOutputs("initech");
    expect(await reach(env, initech.credentials, initech.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("the operations table shows no tenant ever running on two workers at once", async () => {
    const overlaps = await env.controlPlane.pool.query(
      `SELECT a.tenant_id, a.operation_id, a.attempt, b.operation_id AS other, b.attempt AS other_attempt
         FROM operation_attempts a JOIN operation_attempts b ON a.tenant_id = b.tenant_id AND (a.operation_id, a.attempt) < (b.operation_id, b.attempt)
        WHERE tstzrange(a.started_at, coalesce(a.ended_at, 'infinity')) && tstzrange(b.started_at, coalesce(b.ended_at, 'infinity'))`,
    );
    expect(overlaps.rows).toEqual([]);
    const counted = await env.controlPlane.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM operation_attempts");
    expect(counted.rows[0]?.n).toBeGreaterThanOrEqual(10);
  });
});
