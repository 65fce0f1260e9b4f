/**
 * Operations end to end through the portal, against the real engine and a real control plane: the
 * stores of the base config are unreachable, so every `up` fails for real and the tenant must end
 * FAILED with TENANT_PROVISION_FAILED naming the error; progress streams as server-sent events;
 * deprovisioning destroys and removes the stack.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../controlplane";
import type { OperationView } from "../../portal/schemas/operations";
import { CLOSED, STORES_UNREACHABLE } from "../stacks/support/baseConfig";
import { newTenantStacks, startPortalHarness, type PortalHarness } from "./support/harness";

let h: PortalHarness;
let baseUrl: string;

beforeAll(async () => {
  h = await startPortalHarness();
  baseUrl = await h.app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await h?.close();
});

/** One server-sent event. */
interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: unknown;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
      return { event: fields["event"] ?? "message", ...(fields["id"] ? { id: fields["id"] } : {}), data: JSON.parse(fields["data"] ?? "null") as unknown };
    });
}

/** Reads an SSE stream over a real loopback connection until the server closes it. */
function readStream(path: string, token: string, lastEventId?: number): Promise<{ status: number; contentType: string; events: SseEvent[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { "last-event-id": String(lastEventId) } : {}) } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), events: parseSse(body) }));
    });
    req.on("error", reject);
    req.setTimeout(300_000, () => req.destroy(new Error("stream did not end")));
    req.end();
  });
}

async function events(tenantId: string): Promise<AuditEvent[]> {
  return h.db.registry.listEvents(tenantId);
}

describe("an operation whose up fails (real engine)", () => {
  let operation: OperationView;
  let streamed: SseEvent[];

  it("POST /tenants answers 202, and the stream shows the progress and ends with the failed operation", async () => {
    const response = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: "acme", config: { pii: { mode: "block" } } } });
    expect(response.statusCode).toBe(202);
    operation = response.json<OperationView>();
    const stream = await readStream(`/operations/${operation.operationId}/stream`, h.adminToken);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe("text/event-stream; charset=utf-8");
    streamed = stream.events;
    const progress = streamed.filter((e) => e.event === "progress");
    expect(progress.map((e) => Number(e.id))).toEqual(progress.map((_, i) => i + 1));
    expect(progress.slice(0, 3).map((e) => e.data)).toEqual([
      { type: "step", step: "stack-selected" },
      { type: "step", step: "config-written" },
      { type: "step", step: "update-started" },
    ]);
    expect(progress.map((e) => (e.data as { type: string }).type)).toEqual(expect.arrayContaining(["resource-started", "diagnostic", "summary"]));
    expect(progress.map((e) => e.data)).toContainEqual(expect.objectContaining({ type: "diagnostic", severity: "error", message: expect.stringMatching(STORES_UNREACHABLE) }));
    const end = streamed.at(-1);
    expect(end?.event).toBe("end");
    expect(end?.data).toMatchObject({ operationId: operation.operationId, state: "failed", error: expect.stringMatching(STORES_UNREACHABLE) });
  });

  it("the operation row is failed with the engine's error, redacted, and the tenant is FAILED with TENANT_PROVISION_FAILED naming it", async () => {
    const stored = await h.finished(operation.operationId);
    expect(stored).toMatchObject({ kind: "provision", state: "failed", result: { tenantState: "FAILED" } });
    expect(stored.startedAt).not.toBeNull();
    expect(stored.finishedAt).not.toBeNull();
    for (const secret of ["test-minio-admin", "test-postgres-admin", "test-redis-admin", "test-qdrant-admin-key", "frostbyte-stacks-test-only"]) {
      expect(JSON.stringify(streamed) + (stored.error ?? "")).not.toContain(secret);
    }
    const tenant = (await h.send("GET", "/tenants/acme", { token: h.adminToken })).json();
    expect(tenant).toMatchObject({ state: "FAILED", config: { pii: { mode: "block" } }, activeOperationId: null });
    const chain = await events("acme");
    expect(chain[0]).toMatchObject({ eventType: "TENANT_CREATED", actor: expect.stringMatching(/^portal:admin-token:/) });
    const failed = chain.filter((e) => e.eventType === "TENANT_PROVISION_FAILED");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(String(failed.at(-1)?.details["error"])).toMatch(STORES_UNREACHABLE);
    // The program started provisioning; the failure is recorded by its error hook on the failed store
    // resource or, when what failed has no hook (a provider's configuration), by the worker.
    // The age key comes first (DESIGN §7): every store waits for the secrets file encrypted to it.
    expect(chain.map((e) => [e.eventType, e.actor])).toEqual([
      ["TENANT_CREATED", expect.stringMatching(/^portal:admin-token:/)],
      ["TENANT_PROVISION_STARTED", "pulumi"],
      ["TENANT_AGE_KEY_UPDATED", "pulumi"],
      ["TENANT_PROVISION_FAILED", expect.stringMatching(/^(pulumi|worker)$/)],
    ]);
    expect(chain.at(-1)?.eventType).toBe("TENANT_PROVISION_FAILED");
    expect((await h.db.registry.verifyChain("acme")).ok).toBe(true);
    // GET /tenants/:id/events serves the same chain.
    const served = (await h.send("GET", "/tenants/acme/events", { token: h.adminToken })).json<{ events: { eventId: string }[] }>();
    expect(served.events.map((e) => e.eventId)).toEqual(chain.map((e) => e.eventId));
  });

  it("a finished operation's stream is replayed from the control plane, from Last-Event-ID on", async () => {
    const replay = await h.send("GET", `/operations/${operation.operationId}/stream`, { token: h.adminToken });
    expect(replay.statusCode).toBe(200);
    expect(parseSse(replay.body)).toEqual(streamed);
    const stored = await h.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM operation_events WHERE operation_id = $1", [operation.operationId]);
    expect(stored.rows[0]?.n).toBe(streamed.length - 1);
    const resumed = await readStream(`/operations/${operation.operationId}/stream`, h.adminToken, 3);
    expect(resumed.events).toEqual(streamed.slice(3));
  });

  it("a tenant token follows its own tenant's operations only", async () => {
    const acme = await h.tenantToken("acme");
    expect((await h.send("GET", `/operations/${operation.operationId}`, { token: acme })).statusCode).toBe(200);
    await h.db.registry.createTenant("globex", { actor: "test" });
    const globex = await h.tenantToken("globex");
    expect((await h.send("GET", `/operations/${operation.operationId}`, { token: globex })).statusCode).toBe(403);
    expect((await h.send("GET", `/operations/${operation.operationId}/stream`, { token: globex })).statusCode).toBe(403);
  });
});

describe("the other operations", () => {
  it("PATCH config merges, records TENANT_CONFIG_UPDATED, writes the stack config and runs up (a retry of a FAILED tenant)", async () => {
    const response = await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: { retention_days: 30, pii: null } });
    expect(response.statusCode).toBe(202);
    const operation = await h.finished(response.json<OperationView>().operationId);
    expect(operation).toMatchObject({ kind: "update_config", state: "failed", error: expect.stringMatching(STORES_UNREACHABLE) });
    const tenant = await h.db.registry.getTenant("acme");
    expect(tenant).toMatchObject({ state: "FAILED", configVersion: 2, config: { retention_days: 30, pii: { mode: "redact" } } });
    const updated = (await events("acme")).find((e) => e.eventType === "TENANT_CONFIG_UPDATED");
    expect(updated?.details).toMatchObject({ old_config_version: 1, new_config_version: 2, changed_settings: ["pii", "retention_days"] });
    const stackConfig = await (await h.stacks.createOrSelect("acme")).getAllConfig();
    expect(JSON.parse(stackConfig["frostbyte:tenants"]?.value ?? "[]")).toEqual([{ id: "acme", config: tenant.config, suspended: false, rotation: "initial" }]);
  });

  it("preview runs and fails without changing the tenant; suspend and resume need ACTIVE and SUSPENDED", async () => {
    const preview = await h.send("POST", "/tenants/acme/preview", { token: h.adminToken });
    expect(preview.statusCode).toBe(202);
    expect(await h.finished(preview.json<OperationView>().operationId)).toMatchObject({ kind: "preview", state: "failed", result: { tenantState: "FAILED" } });
    expect((await h.send("POST", "/tenants/acme/suspend", { token: h.adminToken })).json()).toMatchObject({ statusCode: 409, message: 'tenant "acme" is FAILED; suspend needs ACTIVE' });

    await h.db.registry.transition("globex", "PROVISIONING", { actor: "test" });
    await h.db.registry.transition("globex", "ACTIVE", { actor: "test" });
    // Suspend changes a deployed tenant: without its stack in the workers' backend it is refused, and nothing changes.
    const undeployed = await h.send("POST", "/tenants/globex/suspend", { token: h.adminToken });
    expect(await h.finished(undeployed.json<OperationView>().operationId)).toMatchObject({
      state: "failed",
      error: `tenant "globex" has no stack "tenant-globex" in file://${h.view.stateDir}; check the workers' PULUMI_BACKEND_URL / FROSTBYTE_STATE_DIR`,
      result: { tenantState: "ACTIVE" },
    });
    await h.stacks.createOrSelect("globex");
    const suspend = await h.send("POST", "/tenants/globex/suspend", { token: h.adminToken });
    expect(suspend.statusCode).toBe(202);
    const done = await h.finished(suspend.json<OperationView>().operationId);
    expect(done).toMatchObject({ kind: "suspend", state: "failed" });
    expect(done.result).toEqual({ tenantState: (await h.db.registry.getTenant("globex")).state });
    const stackConfig = await (await h.stacks.createOrSelect("globex")).getAllConfig();
    // The registry's rotation token goes with the suspension, so suspending never rotates credentials.
    expect(JSON.parse(stackConfig["frostbyte:tenants"]?.value ?? "[]")).toEqual([{ id: "globex", config: (await h.db.registry.getTenant("globex")).config, suspended: true, rotation: "initial" }]);
  });

  it("DELETE destroys the tenant's stack, removes it, and the tenant ends DEPROVISIONED", async () => {
    expect(await h.stacks.workspace.stackNames()).toContain("tenant-acme");
    const response = await h.send("DELETE", "/tenants/acme", { token: h.adminToken });
    expect(response.statusCode).toBe(202);
    const operation = await h.finished(response.json<OperationView>().operationId);
    expect(operation).toMatchObject({ kind: "deprovision", state: "succeeded", error: null, result: { tenantState: "DEPROVISIONED", summary: { result: "succeeded" } } });
    expect(await h.stacks.workspace.stackNames()).not.toContain("tenant-acme");
    const types = (await events("acme")).map((e) => e.eventType);
    expect(types.slice(-2)).toEqual(["TENANT_DEPROVISION_STARTED", "TENANT_DEPROVISIONED"]);
    expect((await h.db.registry.verifyChain("acme")).ok).toBe(true);
    expect((await h.send("DELETE", "/tenants/acme", { token: h.adminToken })).statusCode).toBe(409);
    expect((await h.send("PATCH", "/tenants/acme/config", { token: h.adminToken, body: {} })).statusCode).toBe(409);
  });

  it("DELETE of a tenant that never had a stack closes it at once (PENDING → DEPROVISIONED)", async () => {
    await h.db.registry.createTenant("initech", { actor: "test" });
    const response = await h.send("DELETE", "/tenants/initech", { token: h.adminToken });
    const operation = await h.finished(response.json<OperationView>().operationId);
    expect(operation).toMatchObject({ state: "succeeded", result: { tenantState: "DEPROVISIONED" } });
    const last = (await events("initech")).at(-1);
    expect(last).toMatchObject({ eventType: "TENANT_DEPROVISIONED", actor: "worker", details: { from: "PENDING", to: "DEPROVISIONED", note: "the tenant had no stack; nothing to destroy" } });
  });

  it("when the program cannot reach the control plane, the worker records the failed provisioning itself", async () => {
    // Same engine and program, but the stack's frostbyte:controlPlaneDbUrl is a closed port: neither
    // the start marker nor the error hook can write to the registry.
    await h.restartWorker(newTenantStacks(h.view, `postgres://frostbyte:test-only@${CLOSED}/frostbyte`));
    try {
      const response = await h.send("POST", "/tenants", { token: h.adminToken, body: { id: "umbrella" } });
      const operation = await h.finished(response.json<OperationView>().operationId);
      expect(operation).toMatchObject({ state: "failed", error: expect.stringMatching(STORES_UNREACHABLE), result: { tenantState: "FAILED" } });
      const chain = await events("umbrella");
      expect(chain.map((e) => [e.eventType, e.actor])).toEqual([
        ["TENANT_CREATED", expect.stringMatching(/^portal:admin-token:/)],
        ["TENANT_PROVISION_STARTED", "worker"],
        ["TENANT_PROVISION_FAILED", "worker"],
      ]);
      expect(chain[1]?.details).toMatchObject({ operation_id: operation.operationId, note: "the deployment failed before the stack recorded its start" });
      expect(chain[2]?.details).toMatchObject({ operation_id: operation.operationId, operation: "provision", error: operation.error });
      expect((await h.db.registry.verifyChain("umbrella")).ok).toBe(true);
    } finally {
      await h.restartWorker();
    }
  });
});
