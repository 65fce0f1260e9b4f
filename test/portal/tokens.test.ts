/**
 * Tokens you can trust (issue #13): every token expires (by the database's clock), `frostbyte token
 * list` shows tokens and never a secret, a tenant's tokens are revoked by the very transaction that
 * starts or ends its deprovisioning, an open event stream ends when its token is revoked or expires,
 * and failed authentications are limited per client address (429 with Retry-After) without locking
 * out anyone else. A real PostgreSQL control plane; the portal listens on 127.0.0.1 and is called
 * over real HTTP from several loopback source addresses; its stacks are a test double whose preview
 * runs until cancelled (support/blockingStacks.ts), so a stream stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { createToken, findActiveToken, listTokens, revokeToken, TenantClosedForTokensError } from "../../controlplane";
import { accessSettingsFromEnv, authFailureKey, DEFAULT_ACCESS_SETTINGS, type RunningPortal } from "../../portal";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { startPortalWithWorker } from "../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { blockingStacks } from "./support/blockingStacks";
import { loopbackRequest, openStream } from "./support/loopbackHttp";

/** Failed authentications per address before 429, and the window (s); an open stream checks its token every second. */
const MAX_FAILURES = 3;
const WINDOW_SECONDS = 4;

let server: PostgresServer;
let db: ControlPlaneDatabase;
let portal: RunningPortal;
let admin: string;
const BOGUS = `fbt_${"x".repeat(43)}`;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  portal = await startPortalWithWorker(db.pool, {
    controlDbUrl: db.runtimeUrl,
    host: "127.0.0.1",
    port: 0,
    stacks: blockingStacks(),
    workerGraceMs: 1_000,
    access: { authFailures: { maxFailures: MAX_FAILURES, windowSeconds: WINDOW_SECONDS }, streamTokenCheckSeconds: 1 },
  });
  admin = (await createToken(db.pool, { kind: "admin" })).token;
});

afterAll(async () => {
  await portal?.close();
  await db?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function activeTenant(id: string): Promise<string> {
  await db.registry.createTenant(id, { actor: "test" });
  await db.registry.transition(id, "PROVISIONING", { actor: "test" });
  await db.registry.transition(id, "ACTIVE", { actor: "test" });
  return id;
}

async function frostbyte(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl, ...env });
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

describe("every token expires", () => {
  it("is refused once its lifetime is over, by the database's clock, saying so", async () => {
    const { token, record } = await createToken(db.pool, { kind: "auditor" }, { ttlSeconds: 2 });
    const dbNow = (await db.pool.query<{ now: Date }>("SELECT now() AS now")).rows[0]?.now ?? new Date();
    expect(record.expiresAt.getTime() - dbNow.getTime()).toBeGreaterThan(1_000);
    expect(record.expiresAt.getTime() - dbNow.getTime()).toBeLessThanOrEqual(2_000);
    expect((await loopbackRequest(`${portal.url}/me`, { token, from: "127.0.0.5" })).status).toBe(200);
    await sleep(record.expiresAt.getTime() - Date.now() + 300);
    const expired = await loopbackRequest(`${portal.url}/me`, { token, from: "127.0.0.5" });
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.body)).toMatchObject({ message: `this token expired at ${record.expiresAt.toISOString()}; ask an operator for a new one (frostbyte token create)` });
    expect(await findActiveToken(db.pool, token)).toBeUndefined();
    expect((await listTokens(db.pool, { kind: "auditor" })).find((t) => t.tokenId === record.tokenId)?.state).toBe("expired");
  });

  it("the database keeps the rules: an expiry after creation, no expiry the runtime role may move, no un-revoking", async () => {
    const { record } = await createToken(db.pool, { kind: "admin" });
    await expect(db.pool.query("UPDATE api_tokens SET expires_at = expires_at + interval '1 year' WHERE token_id = $1", [record.tokenId])).rejects.toThrow(/permission denied/);
    await expect(
      db.pool.query("INSERT INTO api_tokens (token_hash, kind, expires_at) VALUES ($1, 'admin', now())", ["0".repeat(64)]),
    ).rejects.toThrow(/api_tokens_expires_after_created/);
    await expect(db.pool.query("INSERT INTO api_tokens (token_hash, kind) VALUES ($1, 'admin')", ["1".repeat(64)])).rejects.toThrow(/expires_at/);
    await revokeToken(db.pool, record.tokenId);
    await expect(db.pool.query("UPDATE api_tokens SET revoked_at = NULL WHERE token_id = $1", [record.tokenId])).rejects.toThrow(/revocation is final/);
    // Revoking again keeps the first time.
    const first = (await listTokens(db.pool)).find((t) => t.tokenId === record.tokenId)?.revokedAt;
    expect((await revokeToken(db.pool, record.tokenId))?.revokedAt).toEqual(first);
  });

  it("frostbyte token create takes --ttl within FROSTBYTE_TOKEN_TTL_MAX; the default comes from FROSTBYTE_TOKEN_TTL_DEFAULT", async () => {
    const expiryOf = async (result: { stderr: string }) => {
      const match = /expiring (\S+);/.exec(result.stderr);
      expect(match, result.stderr).not.toBeNull();
      return (new Date(match?.[1] ?? "").getTime() - Date.now()) / 1000;
    };
    const twoHours = await frostbyte(["token", "create", "--role", "auditor", "--ttl", "2h"]);
    expect(twoHours.code).toBe(0);
    expect(await expiryOf(twoHours)).toBeCloseTo(7_200, -2);
    expect(await expiryOf(await frostbyte(["token", "create", "--admin"]))).toBeCloseTo(30 * 86_400, -2);
    expect(await expiryOf(await frostbyte(["token", "create", "--admin"], { FROSTBYTE_TOKEN_TTL_DEFAULT: "90m" }))).toBeCloseTo(5_400, -2);
    // A maximum shorter than the built-in default of 30 days is the default.
    expect(await expiryOf(await frostbyte(["token", "create", "--admin"], { FROSTBYTE_TOKEN_TTL_MAX: "1d" }))).toBeCloseTo(86_400, -2);
    expect(await frostbyte(["token", "create", "--admin", "--ttl", "400d"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "frostbyte: --ttl 400d: a token may live at most 31536000 s (FROSTBYTE_TOKEN_TTL_MAX); 34560000 s asked\n",
    });
    expect(await frostbyte(["token", "create", "--admin"], { FROSTBYTE_TOKEN_TTL_DEFAULT: "2d", FROSTBYTE_TOKEN_TTL_MAX: "1d" })).toMatchObject({
      code: 1,
      stderr: "frostbyte: FROSTBYTE_TOKEN_TTL_DEFAULT=2d: a token may live at most 86400 s (FROSTBYTE_TOKEN_TTL_MAX); 172800 s asked\n",
    });
    expect((await frostbyte(["token", "create", "--admin", "--ttl", "5w"])).stderr).toBe(
      'frostbyte: --ttl "5w": must be a whole number of seconds, or of minutes, hours or days with m, h or d (90m, 12h, 30d)\n',
    );
  });

  it.each([
    [["token", "create", "--role", "root"], 'frostbyte: role "root": must be one of admin, auditor, tenant\n'],
    [["token", "create", "--role", "tenant"], "frostbyte: --role tenant needs --tenant <id>\n"],
    [["token", "create", "--role", "auditor", "--tenant", "acme"], "frostbyte: --role auditor reaches every tenant: leave out --tenant, or use --role tenant\n"],
    [["token", "create", "--admin", "--role", "auditor"], "frostbyte: give either --admin or --role auditor, not both\n"],
  ])("token create %j fails with one line", async (args, expected) => {
    expect(await frostbyte(args)).toMatchObject({ code: 1, stdout: "", stderr: expected });
  });
});

describe("frostbyte token list", () => {
  it("shows id, role, tenant, created, expires, revoked and state of every token, never a token or its hash", async () => {
    await activeTenant("listed");
    const created = await frostbyte(["token", "create", "--tenant", "listed"]);
    const secret = created.stdout.trim();
    const tokenId = /created token of tenant "listed" ([0-9a-f-]{36})/.exec(created.stderr)?.[1] ?? "";
    const auditor = await createToken(db.pool, { kind: "auditor" });
    await revokeToken(db.pool, auditor.record.tokenId);

    const all = await frostbyte(["token", "list"]);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID +ROLE +TENANT +CREATED +EXPIRES +REVOKED +STATE$/);
    expect(lines.find((line) => line.startsWith(tokenId))).toMatch(new RegExp(`^${tokenId} +tenant +listed +\\d{4}-\\S+Z +\\d{4}-\\S+Z +- +active$`));
    expect(lines.find((line) => line.startsWith(auditor.record.tokenId))).toMatch(/ auditor +- +\S+ +\S+ +\d{4}-\S+Z +revoked$/);
    const hashes = (await db.pool.query<{ token_hash: string }>("SELECT token_hash FROM api_tokens")).rows.map((row) => row.token_hash);
    for (const hidden of [secret, auditor.token, admin, ...hashes]) expect(all.stdout).not.toContain(hidden);

    expect((await frostbyte(["token", "list", "--tenant", "listed"])).stdout.trimEnd().split("\n")).toHaveLength(2);
    const active = (await frostbyte(["token", "list", "--active", "--role", "auditor"])).stdout;
    expect(active).not.toContain(auditor.record.tokenId);
    expect(active).not.toMatch(/ (revoked|expired)\n/);
    expect(await frostbyte(["token", "list", "--tenant", "nobody-here"])).toMatchObject({ code: 0, stdout: "no tokens\n" });
  });
});

describe("deprovisioning revokes every token of the tenant", () => {
  it("in the transaction that starts it, whoever writes it; other tenants' and operators' tokens stay", async () => {
    await activeTenant("leaving");
    await activeTenant("staying");
    const leaving = [await createToken(db.pool, { kind: "tenant", tenantId: "leaving" }), await createToken(db.pool, { kind: "tenant", tenantId: "leaving" })];
    const staying = await createToken(db.pool, { kind: "tenant", tenantId: "staying" });
    const auditor = await createToken(db.pool, { kind: "auditor" });

    // A state change the database refuses at COMMIT (no audit event) revokes nothing: one transaction.
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("UPDATE tenants SET state = 'DEPROVISIONING' WHERE tenant_id = 'leaving'");
      await expect(client.query("COMMIT")).rejects.toThrow(/TENANT_DEPROVISION_STARTED/);
    } finally {
      client.release();
    }
    for (const { token } of leaving) expect(await findActiveToken(db.pool, token)).toBeDefined();

    await db.registry.transition("leaving", "DEPROVISIONING", { actor: "test" });
    for (const { token } of leaving) expect(await findActiveToken(db.pool, token)).toBeUndefined();
    const revokedAt = (await listTokens(db.pool, { tenantId: "leaving" })).map((t) => t.revokedAt);
    const started = (await db.registry.listEvents("leaving")).at(-1);
    expect(started?.eventType).toBe("TENANT_DEPROVISION_STARTED");
    // The same transaction: revoked at its now().
    const xactTime = (await db.pool.query<{ t: Date }>("SELECT updated_at AS t FROM tenants WHERE tenant_id = 'leaving'")).rows[0]?.t;
    expect(revokedAt).toEqual([xactTime, xactTime]);
    expect(await findActiveToken(db.pool, staying.token)).toBeDefined();
    expect(await findActiveToken(db.pool, auditor.token)).toBeDefined();
    expect((await loopbackRequest(`${portal.url}/tenants/leaving`, { token: leaving[0]?.token ?? "", from: "127.0.0.7" })).status).toBe(401);

    // No new token while it is being or has been deprovisioned; the database refuses one by hand too.
    await expect(createToken(db.pool, { kind: "tenant", tenantId: "leaving" })).rejects.toThrow(TenantClosedForTokensError);
    await expect(
      db.pool.query("INSERT INTO api_tokens (token_hash, kind, tenant_id, expires_at) VALUES ($1, 'tenant', 'leaving', now() + interval '1 day')", ["2".repeat(64)]),
    ).rejects.toThrow('tenant "leaving" is DEPROVISIONING: its tokens were revoked and it gets no new one');
    expect(await frostbyte(["token", "create", "--tenant", "leaving"])).toMatchObject({ code: 1, stderr: 'frostbyte: tenant "leaving" is DEPROVISIONING: its tokens were revoked and it gets no new one\n' });
  });

  it("and again in the transaction that ends it, for a tenant that never started (PENDING → DEPROVISIONED)", async () => {
    await db.registry.createTenant("never-ran", { actor: "test" });
    const { token } = await createToken(db.pool, { kind: "tenant", tenantId: "never-ran" });
    await db.registry.transition("never-ran", "DEPROVISIONED", { actor: "test" });
    expect(await findActiveToken(db.pool, token)).toBeUndefined();
    expect((await listTokens(db.pool, { tenantId: "never-ran" }))[0]?.state).toBe("revoked");
  });
});

describe("an open event stream ends when its token does", () => {
  /** A tenant with a preview running (until cancelled), and a stream of it opened with a new token of the tenant. */
  async function streamOfRunningPreview(id: string, ttlSeconds?: number) {
    await activeTenant(id);
    const started = await loopbackRequest(`${portal.url}/tenants/${id}/preview`, { method: "POST", token: admin });
    expect(started.status, started.body).toBe(202);
    const operationId = (JSON.parse(started.body) as { operationId: string }).operationId;
    const own = await createToken(db.pool, { kind: "tenant", tenantId: id }, ttlSeconds === undefined ? {} : { ttlSeconds });
    const stream = await openStream(`${portal.url}/operations/${operationId}/stream`, { token: own.token });
    expect(stream.status).toBe(200);
    await stream.waitFor(/event: progress\n/, 5_000);
    return { operationId, own, stream };
  }

  it("revoked: one `closed` event says so within the check interval, and the stream ends; an admin's stream goes on", async () => {
    const { operationId, own, stream } = await streamOfRunningPreview("streamed");
    const adminStream = await openStream(`${portal.url}/operations/${operationId}/stream`, { token: admin });
    await adminStream.waitFor(/event: progress\n/, 5_000);
    const revokedAt = Date.now();
    await revokeToken(db.pool, own.record.tokenId);
    const text = await stream.ended;
    expect(Date.now() - revokedAt).toBeLessThan(3_500);
    expect(text).toMatch(/event: closed\ndata: \{"reason":"token-revoked","message":"the token was revoked; the stream ends"\}\n\n$/);
    expect(text).not.toContain("event: end");
    await sleep(1_500);
    expect(adminStream.text()).not.toContain("event: closed");
    adminStream.close();
  });

  it("expired: the stream ends once the token's lifetime is over", async () => {
    const { own, stream } = await streamOfRunningPreview("expiring", 3);
    const text = await stream.ended;
    expect(Date.now()).toBeGreaterThanOrEqual(own.record.expiresAt.getTime() - 50);
    expect(text).toMatch(/event: closed\ndata: \{"reason":"token-expired","message":"the token expired; the stream ends"\}\n\n$/);
  });

  it("deprovisioned: the tenant's deprovisioning revokes the token and ends its stream", async () => {
    const { stream } = await streamOfRunningPreview("departing");
    await db.registry.transition("departing", "DEPROVISIONING", { actor: "test" });
    expect(await stream.ended).toMatch(/"reason":"token-revoked"/);
  });
});

describe("failed authentications are limited per client address", () => {
  const from = (address: string, token?: string, path = "/tenants") => loopbackRequest(`${portal.url}${path}`, { from: address, ...(token ? { token } : {}) });

  it(`answers 429 with Retry-After after ${MAX_FAILURES} failures from one address, even with a valid token; other addresses are not locked out`, async () => {
    for (let i = 0; i < MAX_FAILURES; i += 1) expect((await from("127.0.0.2", BOGUS)).status).toBe(401);
    const locked = await from("127.0.0.2", BOGUS);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(JSON.parse(locked.body)).toEqual({
      statusCode: 429,
      error: "Too Many Requests",
      message: `too many failed authentications from this address (${MAX_FAILURES} within ${WINDOW_SECONDS} s); retry in ${retryAfter} s`,
    });
    // A valid token from the locked address is refused too: a lucky guess could not tell itself apart.
    expect((await from("127.0.0.2", admin)).status).toBe(429);
    // Public routes stay open.
    expect((await from("127.0.0.2", undefined, "/healthz")).status).toBe(200);
    // Another client, on the same machine: its valid token works, its failures are its own.
    expect((await from("127.0.0.3", admin)).status).toBe(200);
    expect((await from("127.0.0.3", BOGUS)).status).toBe(401);
    // When the window is over, the address may authenticate again.
    await sleep(retryAfter * 1000 + 200);
    expect((await from("127.0.0.2", admin)).status).toBe(200);
  });

  it("counts neither requests without credentials nor successful ones", async () => {
    for (let i = 0; i < MAX_FAILURES * 2; i += 1) expect((await from("127.0.0.4")).status).toBe(401);
    for (let i = 0; i < MAX_FAILURES * 2; i += 1) expect((await from("127.0.0.4", admin)).status).toBe(200);
    // A malformed header, an unknown and an expired token count.
    const expired = await createToken(db.pool, { kind: "admin" }, { ttlSeconds: 1 });
    await sleep(1_200);
    expect((await loopbackRequest(`${portal.url}/tenants`, { from: "127.0.0.4", token: "not-a-token" })).status).toBe(401);
    expect((await from("127.0.0.4", BOGUS)).status).toBe(401);
    expect((await from("127.0.0.4", expired.token)).status).toBe(401);
    expect((await from("127.0.0.4", admin)).status).toBe(429);
  });

  it("keys a client by its address: an IPv4-mapped IPv6 address as IPv4, an IPv6 address by its /64", () => {
    expect(authFailureKey({ ip: "::ffff:127.0.0.2" })).toBe("127.0.0.2");
    expect(authFailureKey({ ip: "127.0.0.2" })).not.toBe(authFailureKey({ ip: "127.0.0.3" }));
    expect(authFailureKey({ ip: "2001:db8:1:2::a" })).toBe(authFailureKey({ ip: "2001:db8:1:2:ffff::1" }));
    expect(authFailureKey({ ip: "2001:db8:1:2::a" })).not.toBe(authFailureKey({ ip: "2001:db8:1:3::a" }));
  });

  it("documents 429 with Retry-After on every route that needs a token", async () => {
    const doc = JSON.parse((await from("127.0.0.1", undefined, "/openapi.json")).body) as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (operation.security === undefined) continue;
        expect(Object.keys(operation.responses["429"]?.headers ?? {}), `${method} ${path}`).toEqual(["Retry-After"]);
      }
    }
  });

  it("reads its limits from the environment, with defaults, and names a bad variable", () => {
    expect(accessSettingsFromEnv({})).toEqual(DEFAULT_ACCESS_SETTINGS);
    expect(accessSettingsFromEnv({ FROSTBYTE_PORTAL_AUTH_FAILURES_MAX: "5", FROSTBYTE_PORTAL_AUTH_FAILURES_WINDOW: "60", FROSTBYTE_PORTAL_STREAM_TOKEN_CHECK: "2" })).toEqual({
      authFailures: { maxFailures: 5, windowSeconds: 60 },
      streamTokenCheckSeconds: 2,
    });
    expect(() => accessSettingsFromEnv({ FROSTBYTE_PORTAL_AUTH_FAILURES_MAX: "0" })).toThrow('FROSTBYTE_PORTAL_AUTH_FAILURES_MAX "0": must be a whole number from 1 to 1000000');
    expect(() => accessSettingsFromEnv({ FROSTBYTE_PORTAL_STREAM_TOKEN_CHECK: "1.5" })).toThrow(/FROSTBYTE_PORTAL_STREAM_TOKEN_CHECK "1.5"/);
  });
});
