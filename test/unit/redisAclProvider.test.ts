import { readFile } from "node:fs/promises";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantNames } from "../../domain";
import { deleteAclUser, getAclLine, getAclUser, redisAclRules, setAclUser, type RedisAdminSettings } from "../../components/redis";
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
    expect(state?.commands).toMatch(/^-@all /);
  });

  it("denies every admin, dangerous and server-wide command, as Redis itself judges it", async () => {
    const client = createClient({ url: redis.url, password: redis.adminPassword });
    await client.connect();
    const dryRun = (...command: string[]) => client.sendCommand<string>(["ACL", "DRYRUN", "tenant-acme", ...command]);
    try {
      for (const allowed of [["GET", "tenant:acme:x"], ["SET", "tenant:acme:x", "1"], ["HSET", "tenant:acme:h", "f", "v"], ["PUBLISH", "tenant:acme:c", "m"], ["MULTI"], ["PING"]]) {
        expect(await dryRun(...allowed), allowed.join(" ")).toBe("OK");
      }
      const denied = [
        ["GET", "tenant:other:x"], ["SET", "global", "1"], ["KEYS", "*"], ["SCAN", "0"], ["RANDOMKEY"], ["DBSIZE"], ["FLUSHALL"], ["FLUSHDB"], ["CONFIG", "GET", "*"],
        ["ACL", "LIST"], ["DEBUG", "SLEEP", "0"], ["SHUTDOWN"], ["SAVE"], ["MONITOR"], ["CLIENT", "KILL", "ID", "1"], ["SWAPDB", "0", "1"],
        ["FUNCTION", "FLUSH"], ["FUNCTION", "DELETE", "x"], ["EVAL", "return 1", "0"], ["SCRIPT", "FLUSH"], ["MIGRATE", "h", "1", "k", "0", "1"],
        ["PUBLISH", "tenant:other:c", "m"], ["REPLICAOF", "NO", "ONE"], ["MODULE", "LIST"],
      ];
      for (const command of denied) {
        expect(await dryRun(...command), command.join(" ")).not.toBe("OK");
      }
    } finally {
      await client.close();
    }
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

  it("reads the user's ACL LIST line, which shows a change made by hand and is gone with the user", async () => {
    const drift = tenantNames("drift");
    await setAclUser(admin, { username: drift.redis.user, rules: redisAclRules(drift, true), password: "drift-pass-1" });
    const line = await getAclLine(admin, "tenant-drift");
    expect(line).toMatch(/^user tenant-drift on .*#[0-9a-f]{64} ~tenant:drift:\* resetchannels &tenant:drift:\* -@all /);
    expect(line).not.toContain("drift-pass-1");
    expect(await getAclLine(admin, "tenant-dri")).toBeUndefined();
    const client = createClient({ url: redis.url, username: redis.adminUser, password: redis.adminPassword });
    await client.connect();
    try {
      await client.sendCommand(["ACL", "SETUSER", "tenant-drift", "allkeys"]);
      expect(await getAclLine(admin, "tenant-drift")).not.toBe(line);
    } finally {
      await client.close();
    }
    await deleteAclUser(admin, "tenant-drift");
    expect(await getAclLine(admin, "tenant-drift")).toBeUndefined();
  });

  it("deletes the user, and a second delete is not an error", async () => {
    expect(await deleteAclUser(admin, "tenant-acme")).toBe(true);
    expect(await getAclUser(admin, "tenant-acme")).toBeUndefined();
    expect(await deleteAclUser(admin, "tenant-acme")).toBe(false);
  });

  it("saves users to the server's ACL file when it has one, so they survive a restart", async () => {
    const withFile = await startRedis({ aclFile: true });
    try {
      const settings = { url: withFile.url, adminUser: "default", adminPassword: withFile.adminPassword };
      await setAclUser(settings, { username: "tenant-acme", rules: redisAclRules(tenantNames("acme"), true), password: "saved-pass" });
      const saved = await readFile(withFile.aclFilePath!, "utf8");
      expect(saved).toMatch(/^user tenant-acme on .*~tenant:acme:\* resetchannels &tenant:acme:\* -@all /m);
      expect(saved).not.toContain("saved-pass");
      await deleteAclUser(settings, "tenant-acme");
      expect(await readFile(withFile.aclFilePath!, "utf8")).not.toContain("tenant-acme");
    } finally {
      await withFile.stop();
    }
  });

  it("fails with a clear error and no credential when Redis refuses the admin", async () => {
    const wrong = { ...admin, adminPassword: "not-the-password" };
    const error = await setAclUser(wrong, { username: "tenant-x", rules: ["reset"], password: "p" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(String(error)).not.toContain("not-the-password");
  });
});
