/**
 * Every isolation probe and every store admin call against a store that accepts the connection and
 * never answers (test/support/silentServer.ts standing in for PostgreSQL, Redis, MinIO and Qdrant):
 * each fails with a StoreTimeoutError that names the store, the call and the seconds of its bound
 * (a small one, passed as a parameter), never a password, and leaves no connection open.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bucketExists, emptyBucket } from "../../components/minio/bucketObjectsOperations";
import type { MinioAdminSettings } from "../../components/minio/adminSettings";
import { terminateRoleSessions } from "../../components/postgres/sessionCutoff";
import type { PostgresAdminSettings } from "../../components/postgres/adminSettings";
import {
  createCollection,
  deleteCollection,
  deleteTokenGrant,
  ensureTokenGrantsCollection,
  getCollection,
  putTokenGrant,
  readTokenGrant,
  tokenGrantPayload,
  type QdrantAdminSettings,
} from "../../components/qdrant";
import { deleteAclUser, disconnectAclUser, getAclLine, getAclUser, setAclUser, type RedisAdminSettings } from "../../components/redis";
import { StoreTimeoutError, type StoreName } from "../../components/timeBounds";
import { probeMinio } from "../../components/verification/minioProbe";
import { probePostgres } from "../../components/verification/postgresProbe";
import { probeQdrant } from "../../components/verification/qdrantProbe";
import { probeRedis } from "../../components/verification/redisProbe";
import { verifyIsolation } from "../../components/verification/verifyIsolation";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import { startSilentServer, type SilentServer } from "../support/silentServer";

/** The bound every call gets here: small, so a test waits a fraction of a second. */
const BOUND_MS = 300;
const SECRET = "silent-store-secret-pw";

let silent: SilentServer;

beforeAll(async () => {
  silent = await startSilentServer();
});
afterAll(async () => {
  await silent?.close();
});
// A client that gave up must have closed its connection: nothing is left for the process to hold.
afterEach(async () => {
  await vi.waitFor(() => expect(silent.openConnections()).toBe(0), { timeout: 5_000, interval: 20 });
});

/** Awaits `call`, which must fail with a StoreTimeoutError on `store` naming `callName` and the bound, and no secret. */
async function expectGaveUp(call: Promise<unknown>, store: StoreName, callName: string | RegExp): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreTimeoutError);
  const timeout = error as StoreTimeoutError;
  expect(timeout.store).toBe(store);
  expect(timeout.seconds).toBe(BOUND_MS / 1000);
  if (typeof callName === "string") expect(timeout.call).toBe(callName);
  else expect(timeout.call).toMatch(callName);
  expect(timeout.message).toMatch(new RegExp(`^${store}: gave up on .+ after 0\\.3 s without an answer`));
  expect(`${timeout.message} ${String(timeout.cause ?? "")}`).not.toContain(SECRET);
}

const endpoint = () => ({ host: "127.0.0.1", port: silent.port });
const redisUrl = () => `redis://127.0.0.1:${silent.port}`;
const httpUrl = () => `http://127.0.0.1:${silent.port}`;

describe("isolation probes against a silent store", () => {
  it("PostgreSQL", async () => {
    const input = { ...endpoint(), sslmode: "disable", user: "tenant_acme_app", password: SECRET, ownDatabase: "tenant_acme", foreignDatabase: "tenant_isolation_probe" };
    await expectGaveUp(probePostgres({ ...input, timeoutMs: BOUND_MS }), "PostgreSQL", "connect to tenant_acme (isolation probe)");
  });

  it("Redis", async () => {
    const input = { url: redisUrl(), user: "tenant-acme", password: SECRET, ownPrefix: "tenant:acme:", foreignPrefix: "tenant:isolation-probe:" };
    await expectGaveUp(probeRedis({ ...input, timeoutMs: BOUND_MS }), "Redis", "login as tenant-acme (isolation probe)");
  });

  it("MinIO", async () => {
    const input = { endpoint: `127.0.0.1:${silent.port}`, ssl: false, accessKey: "tenant-acme", secretKey: SECRET, ownBucket: "tenant-acme", foreignBucket: "tenant-isolation-probe" };
    await expectGaveUp(probeMinio({ ...input, timeoutMs: BOUND_MS }), "MinIO", "PUT tenant-acme/.frostbyte-isolation-probe (isolation probe)");
  });

  it("Qdrant", async () => {
    const input = { url: httpUrl(), token: SECRET, ownCollection: "tenant_acme", foreignCollection: "tenant_isolation_probe" };
    await expectGaveUp(probeQdrant({ ...input, timeoutMs: BOUND_MS }), "Qdrant", "count tenant_acme (isolation probe)");
  });

  it("the whole verification: every store that gave up is named in one error, after every probe ended", async () => {
    const check = {
      tenantId: "acme",
      postgres: { ...endpoint(), sslmode: "disable", user: "tenant_acme_app", password: SECRET },
      minio: { endpoint: `127.0.0.1:${silent.port}`, ssl: false, accessKey: "tenant-acme", secretKey: SECRET },
      redis: { url: redisUrl(), user: "tenant-acme", password: SECRET },
      qdrant: { url: httpUrl(), token: SECRET },
    };
    const error = await verifyIsolation(check, BOUND_MS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateError);
    const { message, errors } = error as AggregateError;
    expect(message).toMatch(/^tenant "acme": isolation verification could not finish: /);
    for (const store of ["PostgreSQL", "MinIO", "Redis", "Qdrant"]) expect(message).toContain(`${store}: gave up on `);
    expect(errors.every((each) => each instanceof StoreTimeoutError)).toBe(true);
    expect(message).not.toContain(SECRET);
  });
});

describe("admin calls against a silent store", () => {
  const redis = (): RedisAdminSettings => ({ url: redisUrl(), adminUser: "default", adminPassword: SECRET });
  const postgres = (): PostgresAdminSettings => ({ ...endpoint(), user: "postgres", password: SECRET, database: "postgres", sslmode: "disable" });
  const minio = (): MinioAdminSettings => ({ endpoint: `127.0.0.1:${silent.port}`, accessKey: "admin", secretKey: SECRET, ssl: false, region: "us-east-1" });
  const qdrant = (): QdrantAdminSettings => ({ url: httpUrl(), apiKey: SECRET });

  it.each<[string, () => Promise<unknown>, string]>([
    ["setAclUser", () => setAclUser(redis(), { username: "tenant-acme", rules: ["reset"], password: SECRET }, BOUND_MS), "ACL SETUSER tenant-acme"],
    ["disconnectAclUser", () => disconnectAclUser(redis(), "tenant-acme", BOUND_MS), "CLIENT KILL USER tenant-acme"],
    ["deleteAclUser", () => deleteAclUser(redis(), "tenant-acme", BOUND_MS), "ACL DELUSER tenant-acme"],
    ["getAclLine", () => getAclLine(redis(), "tenant-acme", BOUND_MS), "ACL LIST (for tenant-acme)"],
    ["getAclUser", () => getAclUser(redis(), "tenant-acme", BOUND_MS), "ACL GETUSER tenant-acme"],
  ])("Redis %s", async (_name, call, callName) => {
    await expectGaveUp(call(), "Redis", callName);
  });

  it("PostgreSQL terminateRoleSessions", async () => {
    await expectGaveUp(terminateRoleSessions(postgres(), "tenant_acme_app", BOUND_MS), "PostgreSQL", "ending the sessions of tenant_acme_app");
  });

  it("PostgreSQL prepareTenantPostgresServer", async () => {
    const url = `postgresql://postgres:${SECRET}@127.0.0.1:${silent.port}/postgres`;
    await expectGaveUp(prepareTenantPostgresServer(url, ["frostbyte_admin"], BOUND_MS), "PostgreSQL", "preparing the tenant-database server");
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ["bucketExists", () => bucketExists(minio(), "tenant-acme", BOUND_MS), 'checking bucket "tenant-acme"'],
    ["emptyBucket", () => emptyBucket(minio(), "tenant-acme", BOUND_MS), 'checking bucket "tenant-acme"'],
  ])("MinIO %s", async (_name, call, callName) => {
    await expectGaveUp(call(), "MinIO", callName);
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ["createCollection", () => createCollection(qdrant(), { name: "tenant_acme", vectorSize: 768, distance: "Cosine" }, BOUND_MS), 'creating collection "tenant_acme"'],
    ["getCollection", () => getCollection(qdrant(), "tenant_acme", BOUND_MS), 'reading collection "tenant_acme"'],
    ["deleteCollection", () => deleteCollection(qdrant(), "tenant_acme", BOUND_MS), 'deleting collection "tenant_acme"'],
    ["ensureTokenGrantsCollection", () => ensureTokenGrantsCollection(qdrant(), BOUND_MS), 'preparing collection "frostbyte_token_grants"'],
    ["putTokenGrant", () => putTokenGrant(qdrant(), tokenGrantPayload("acme", "r1", true), BOUND_MS), 'writing the token grant of tenant "acme"'],
    ["readTokenGrant", () => readTokenGrant(qdrant(), "acme", BOUND_MS), 'reading the token grant of tenant "acme"'],
    ["deleteTokenGrant", () => deleteTokenGrant(qdrant(), "acme", BOUND_MS), 'deleting the token grant of tenant "acme"'],
  ])("Qdrant %s", async (_name, call, callName) => {
    await expectGaveUp(call(), "Qdrant", callName);
  });
});
