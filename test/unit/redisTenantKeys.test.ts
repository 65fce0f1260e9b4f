/**
 * The deletion of a tenant's Redis keys (components/redis/tenantKeysOperations.ts) against a real
 * Redis: the tenant's own user writes keys of its pattern in several logical databases (SELECT is a
 * command it keeps), more than one SCAN round of them; the delete removes exactly those, in every
 * database, and never a neighbour's whose id starts the same, nor the operator's keys.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertKeysServerAnswers, deleteTenantKeys, redisAclRules, setAclUser, tenantKeysGlob, type RedisAdminSettings } from "../../components/redis";
import { StoreTimeoutError } from "../../components/timeBounds";
import { tenantNames } from "../../domain";
import { startRedis, type RedisServer } from "../support/redisServer";

let redis: RedisServer;
let admin: RedisAdminSettings;

beforeAll(async () => {
  redis = await startRedis();
  admin = { url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword };
  for (const id of ["acme", "acme-eu"]) await setAclUser(admin, { username: `tenant-${id}`, rules: redisAclRules(tenantNames(id), true), password: `${id}-keys-password` });
});
afterAll(async () => redis?.stop());

/** A client logged in as `user`; `work` runs on it and it is closed after. */
async function as<T>(user: string, password: string, work: (client: { sendCommand<R>(args: string[]): Promise<R> }) => Promise<T>): Promise<T> {
  const client = createClient({ url: redis.url, username: user, password, socket: { reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Every key of the server, as `db:key`. */
async function allKeys(): Promise<string[]> {
  return as(redis.adminUser, redis.adminPassword, async (client) => {
    const keys: string[] = [];
    for (const database of [0, 1, 2, 3, 15]) {
      await client.sendCommand(["SELECT", String(database)]);
      keys.push(...(await client.sendCommand<string[]>(["KEYS", "*"])).map((key) => `${database}:${key}`));
    }
    return keys.sort();
  });
}

describe("deleting a tenant's keys", () => {
  it("removes the tenant's keys in every database, over several SCAN rounds, and nothing else", async () => {
    await as("tenant-acme", "acme-keys-password", async (client) => {
      const many = Array.from({ length: 2500 }, (_, i) => [`tenant:acme:doc:${i}`, "x"] as const).flat();
      await client.sendCommand(["MSET", ...many]);
      await client.sendCommand(["SELECT", "3"]);
      await client.sendCommand(["SET", "tenant:acme:elsewhere", "x"]);
      await client.sendCommand(["SELECT", "15"]);
      await client.sendCommand(["HSET", "tenant:acme:hash", "f", "v"]);
    });
    await as("tenant-acme-eu", "acme-eu-keys-password", async (client) => {
      await client.sendCommand(["SET", "tenant:acme-eu:doc", "x"]);
      await client.sendCommand(["SELECT", "3"]);
      await client.sendCommand(["SET", "tenant:acme-eu:elsewhere", "x"]);
    });
    await as(redis.adminUser, redis.adminPassword, async (client) => {
      await client.sendCommand(["MSET", "operator:marker", "x", "tenant:acme", "not-the-tenant's", "tenant:acmex:doc", "x"]);
    });

    expect(await deleteTenantKeys(admin, tenantNames("acme").redis.keyPattern)).toBe(2502);
    expect(await allKeys()).toEqual(["0:operator:marker", "0:tenant:acme", "0:tenant:acme-eu:doc", "0:tenant:acmex:doc", "3:tenant:acme-eu:elsewhere"]);
    // Again: nothing left to delete is no error.
    expect(await deleteTenantKeys(admin, "~tenant:acme:*")).toBe(0);
  });

  it("refuses any pattern that is not one tenant's, before it connects", async () => {
    for (const pattern of ["~*", "*", "~tenant:*", "tenant:*:*", "~tenant:acme*", "~tenant:acme:*:x", "~tenant:a?me:*", "~tenant:[a-z]cme:*", "~tenant:ACME:*", "", "~tenant::*"]) {
      expect(() => tenantKeysGlob(pattern), pattern).toThrow(/^refusing to delete Redis keys by .*: it is not one tenant's key pattern/);
    }
    expect(tenantKeysGlob("~tenant:acme-eu:*")).toBe("tenant:acme-eu:*");
    const unreachable = { url: "redis://127.0.0.1:1", adminUser: "x", adminPassword: "y" };
    await expect(deleteTenantKeys(unreachable, "~tenant:*")).rejects.toThrow(/^refusing to delete Redis keys/);
  });

  it("is created only against a server that answers the admin: an unreachable one is refused", async () => {
    await assertKeysServerAnswers(admin);
    await expect(assertKeysServerAnswers({ url: "redis://127.0.0.1:1", adminUser: "x", adminPassword: "y" })).rejects.toThrow(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it("gives up on a server that stops answering, without its password", async () => {
    redis.freeze();
    try {
      const error = await deleteTenantKeys(admin, "~tenant:acme:*", 500).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreTimeoutError);
      expect((error as Error).message).toContain("Redis: gave up on INFO keyspace after 0.5 s");
      expect((error as Error).message).not.toContain(redis.adminPassword);
    } finally {
      redis.thaw();
    }
  });
});
