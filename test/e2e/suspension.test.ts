import type { Stack } from "@pulumi/pulumi/automation";
import { QdrantClient } from "@qdrant/js-client-rest";
import { Client as MinioClient } from "minio";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { putTokenGrant, readTokenGrant, tokenGrantPayload } from "../../components/qdrant";
import { startLocalEnvironment, localStackConfig, type LocalEnvironment } from "./support/localEnvironment";
import { localStack, setStackConfig } from "./support/localStack";
import { openLiveSessions, type LiveSessions } from "./support/liveSessions";
import { reach } from "./support/storeChecks";

type Outputs = Record<string, { endpoints: TenantEndpoints; credentials: TenantCredentials }>;

describe("suspension and resumption on the real stores (DESIGN §3 #7/#8, §7)", () => {
  let env: LocalEnvironment;
  let stack: Stack;
  let acme: { endpoints: TenantEndpoints; credentials: TenantCredentials };

  beforeAll(async () => {
    env = await startLocalEnvironment();
    ({ stack } = await localStack(`e2e-suspend-${process.pid}`, localStackConfig(env, [{ id: "acme" }])));
    await stack.up();
    acme = ((await stack.outputs())["tenantOutputs"]?.value as Outputs)["acme"]!;
  });
  afterAll(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await env?.stop();
  });

  const minio = () =>
    new MinioClient({ endPoint: "127.0.0.1", port: env.minio.port, useSSL: false, accessKey: acme.credentials.minio.accessKey, secretKey: acme.credentials.minio.secretKey, pathStyle: true });
  const postgres = () =>
    new pg.Client({ host: "127.0.0.1", port: env.postgres.port, user: acme.credentials.postgres.user, password: acme.credentials.postgres.password, database: "tenant_acme" });
  const qdrant = () => new QdrantClient({ url: env.qdrant.url, apiKey: acme.credentials.qdrant.token, checkCompatibility: false });

  it("writes data as the tenant on every store", async () => {
    const db = postgres();
    await db.connect();
    await db.query("CREATE TABLE documents (id int primary key, title text)");
    await db.query("INSERT INTO documents VALUES (1, 'kept')");
    await db.end();
    await minio().putObject("tenant-acme", "docs/1.txt", Buffer.from("kept"));
    const redis = createClient({ url: env.redis.url, username: acme.credentials.redis.user, password: acme.credentials.redis.password });
    await redis.connect();
    await redis.set("tenant:acme:doc:1", "kept");
    await redis.close();
    await qdrant().upsert("tenant_acme", { wait: true, points: [{ id: 1, vector: Array.from({ length: 768 }, (_, i) => (i % 5) / 5), payload: { title: "kept" } }] });
  });

  it("the tenant's own credentials are refused on every server-wide path: key tracking, channel listings, other databases", async () => {
    const redis = createClient({ url: env.redis.url, username: acme.credentials.redis.user, password: acme.credentials.redis.password, RESP: 3 });
    redis.on("error", () => undefined);
    await redis.connect();
    try {
      for (const command of [["CLIENT", "TRACKING", "ON", "BCAST"], ["PUBSUB", "CHANNELS"], ["PUBSUB", "NUMSUB", "tenant:globex:events"], ["PUBSUB", "SHARDCHANNELS"], ["PUBSUB", "SHARDNUMSUB", "x"], ["SCAN", "0"]]) {
        await expect(redis.sendCommand(command), command.join(" ")).rejects.toThrow(/NOPERM/);
      }
    } finally {
      await redis.close();
    }
    for (const database of ["postgres", "template1", env.controlPlane.name]) {
      const client = new pg.Client({ host: "127.0.0.1", port: env.postgres.port, user: acme.credentials.postgres.user, password: acme.credentials.postgres.password, database });
      await expect(client.connect(), database).rejects.toThrow(/permission denied for database/);
    }
  });

  it("suspended: every credential is refused, sessions opened before are cut, the tenant is SUSPENDED", async () => {
    const sessions: LiveSessions = await openLiveSessions(env, acme.credentials, "tenant_acme", "tenant:acme:");
    expect(await sessions.stillWork()).toEqual({ redis: true, postgres: true });
    await setStackConfig(stack, localStackConfig(env, [{ id: "acme", suspended: true }]));
    const result = await stack.up();
    expect(await sessions.stillWork()).toEqual({ redis: false, postgres: false });
    await sessions.close();
    expect(result.summary.resourceChanges?.["replace"] ?? 0).toBe(0);
    expect((await env.controlPlane.registry.getTenant("acme")).state).toBe("SUSPENDED");
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    const fw = env.hcloud.firewalls().find((f) => f.name === "fb-acme-fw");
    expect(fw?.rules ?? []).toEqual([]);
  });

  it("resumed: every credential works again and no data was lost", async () => {
    await setStackConfig(stack, localStackConfig(env, [{ id: "acme" }]));
    await stack.up();
    expect((await env.controlPlane.registry.getTenant("acme")).state).toBe("ACTIVE");
    const events = (await env.controlPlane.registry.listEvents("acme")).map((e) => e.eventType);
    expect(events.slice(-2)).toEqual(["TENANT_SUSPENDED", "TENANT_RESUMED"]);
    const db = postgres();
    await db.connect();
    expect((await db.query("SELECT title FROM documents WHERE id = 1")).rows).toEqual([{ title: "kept" }]);
    await db.end();
    const stat = await minio().statObject("tenant-acme", "docs/1.txt");
    expect(stat.size).toBe(4);
    const redis = createClient({ url: env.redis.url, username: acme.credentials.redis.user, password: acme.credentials.redis.password });
    await redis.connect();
    expect(await redis.get("tenant:acme:doc:1")).toBe("kept");
    await redis.close();
    expect((await qdrant().count("tenant_acme")).count).toBe(1);
  });

  it("a Qdrant token grant suspended by hand is drift: a refresh sees it and up restores it", async () => {
    const admin = { url: env.qdrant.url, apiKey: env.qdrantApiKey };
    await putTokenGrant(admin, tokenGrantPayload("acme", "initial", false));
    await expect(qdrant().count("tenant_acme")).rejects.toMatchObject({ status: 401 });

    expect((await stack.preview()).changeSummary).not.toHaveProperty("update");
    const drift = await stack.preview({ refresh: true });
    expect(drift.changeSummary).toMatchObject({ update: 1 });

    await stack.up({ refresh: true });
    expect(await readTokenGrant(admin, "acme")).toEqual({ tenant_id: "acme", rotation: "initial", status: "enabled" });
    expect((await qdrant().count("tenant_acme")).count).toBe(1);
  });
});
