import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantNames } from "../../components/naming";
import { deleteAclUser, getAclUser, redisAclRules, setAclUser, type RedisAdminSettings } from "../../components/redis";
import { startRedis, type RedisServer } from "../support/redisServer";

describe("Redis ACL provider functions against a real redis-server", () => {
  let redis: RedisServer;
  let admin: RedisAdminSettings;

  beforeAll(async () => {
    redis = await startRedis();
    admin = { url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword };
  });
  afterAll(async () => redis?.stop());

  async function asUser(username: string, password: string) {
    const client = createClient({ url: redis.url, username, password, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  it("creates a user that reaches only its own keys and channels", async () => {
    const acme = tenantNames("acme");
    await setAclUser(admin, { username: acme.redis.user, rules: redisAclRules(acme, true), password: "acme-pass-1" });
    const client = await asUser("tenant-acme", "acme-pass-1");
    try {
      await client.set("tenant:acme:doc:1", "hello");
      expect(await client.get("tenant:acme:doc:1")).toBe("hello");
      await expect(client.set("tenant:other:doc:1", "x")).rejects.toThrow(/NOPERM/);
      await expect(client.get("global")).rejects.toThrow(/NOPERM/);
      await expect(client.publish("tenant:other:events", "x")).rejects.toThrow(/NOPERM/);
      expect(await client.publish("tenant:acme:events", "x")).toBe(0);
      await expect(client.sendCommand(["KEYS", "*"])).rejects.toThrow(/NOPERM/);
      await expect(client.sendCommand(["FLUSHALL"])).rejects.toThrow(/NOPERM/);
      await expect(client.sendCommand(["CONFIG", "GET", "requirepass"])).rejects.toThrow(/NOPERM/);
      await expect(client.sendCommand(["ACL", "LIST"])).rejects.toThrow(/NOPERM/);
    } finally {
      await client.close();
    }
  });

  it("reads back exactly the rules it set", async () => {
    const state = await getAclUser(admin, "tenant-acme");
    expect(state).toMatchObject({ enabled: true, keys: "~tenant:acme:*", channels: "&tenant:acme:*", passwordCount: 1 });
    // Redis rewrites categories into its own canonical form; what matters is what stays denied.
    expect(state?.commands).toMatch(/^-@all /);
    expect(state?.commands).toMatch(/-@admin/);
    expect(state?.commands).toMatch(/-@dangerous/);
    expect(state?.commands).not.toMatch(/\+@all|\+@admin|\+@dangerous/);
  });

  it("replaces rules and password on update, and disables the user when suspended", async () => {
    const acme = tenantNames("acme");
    await setAclUser(admin, { username: "tenant-acme", rules: redisAclRules(acme, false), password: "acme-pass-2" });
    await expect(asUser("tenant-acme", "acme-pass-2")).rejects.toThrow(/WRONGPASS|disabled/);
    await setAclUser(admin, { username: "tenant-acme", rules: redisAclRules(acme, true), password: "acme-pass-2" });
    await expect(asUser("tenant-acme", "acme-pass-1")).rejects.toThrow(/WRONGPASS/);
    const client = await asUser("tenant-acme", "acme-pass-2");
    expect(await client.get("tenant:acme:doc:1")).toBe("hello");
    await client.close();
    expect((await getAclUser(admin, "tenant-acme"))?.passwordCount).toBe(1);
  });

  it("deletes the user, and a second delete is not an error", async () => {
    expect(await deleteAclUser(admin, "tenant-acme")).toBe(true);
    expect(await getAclUser(admin, "tenant-acme")).toBeUndefined();
    expect(await deleteAclUser(admin, "tenant-acme")).toBe(false);
  });

  it("fails with a clear error and no credential when Redis refuses the admin", async () => {
    const wrong = { ...admin, adminPassword: "not-the-password" };
    const error = await setAclUser(wrong, { username: "tenant-x", rules: ["reset"], password: "p" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(String(error)).not.toContain("not-the-password");
  });
});
