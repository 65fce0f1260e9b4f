/**
 * The tenant's Redis rules judged by the live server: every command that `ACL DRYRUN` says the user
 * may run either names keys or channels (so the user's patterns apply) or is a keyless command the
 * allowlist explains. A command a new Redis adds to a granted category fails this test until it is
 * explained or denied in components/redis/aclRules.ts.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantNames } from "../../domain";
import { KEYLESS_COMMANDS_ALLOWED, METADATA_COMMANDS_REFUSED, redisAclRules, setAclUser } from "../../components/redis";
import { startRedis, type RedisServer } from "../support/redisServer";

type Admin = ReturnType<typeof createClient>;

/** `COMMAND INFO` of one command or subcommand: name, arity, flags, first key, …, subcommands at [9]. */
type CommandInfo = [string, number, string[], number, number, number, string[], unknown, unknown[], CommandInfo[]];

function commandsOf(infos: CommandInfo[]): CommandInfo[] {
  return infos.flatMap((info) => [info, ...commandsOf(info[9] ?? [])]);
}

/** Arguments enough for the command's arity, every one a key of the tenant's own namespace. */
function dryRunArgs(info: CommandInfo): string[] {
  const [name, arity] = info;
  const words = name.split("|");
  const needed = Math.abs(arity) - words.length;
  return [...words, ...Array.from({ length: Math.max(needed, 0) }, () => "tenant:acme:k")];
}

function namesKeys(info: CommandInfo): boolean {
  return info[3] > 0 || (info[8] ?? []).length > 0;
}

describe("the tenant Redis allowlist, judged by a real redis-server", () => {
  let redis: RedisServer;
  let admin: Admin;

  beforeAll(async () => {
    redis = await startRedis();
    const names = tenantNames("acme");
    await setAclUser({ url: redis.url, adminUser: redis.adminUser, adminPassword: redis.adminPassword }, { username: names.redis.user, rules: redisAclRules(names, true), password: "acme-pass" });
    admin = createClient({ url: redis.url, password: redis.adminPassword });
    admin.on("error", () => undefined);
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
    await redis?.stop();
  });

  async function granted(): Promise<CommandInfo[]> {
    const all = commandsOf(await admin.sendCommand<CommandInfo[]>(["COMMAND", "INFO"]));
    const allowed: CommandInfo[] = [];
    // A container (CLIENT, PUBSUB, …) runs only through its subcommands, which are judged one by one.
    for (const info of all.filter((command) => (command[9] ?? []).length === 0)) {
      const answer = String(await admin.sendCommand<string>(["ACL", "DRYRUN", "tenant-acme", ...dryRunArgs(info)]).catch((error: Error) => error.message));
      if (!/no permissions to run/i.test(answer)) allowed.push(info);
    }
    return allowed;
  }

  it("grants no keyless command that the allowlist does not explain", async () => {
    const allowed = await granted();
    expect(allowed.length).toBeGreaterThan(100);
    const unexplained = allowed.filter((info) => !namesKeys(info) && KEYLESS_COMMANDS_ALLOWED[info[0]] === undefined).map((info) => info[0]);
    expect(unexplained).toEqual([]);
    // The control: the same check flags the denied metadata commands once they are granted.
    const leaky = allowed.map((info) => info[0]).filter((name) => ["scan", "randomkey", "dbsize", "client|tracking", "pubsub|channels", "pubsub|numsub", "pubsub|shardchannels", "pubsub|shardnumsub"].includes(name));
    expect(leaky).toEqual([]);
  });

  it("refuses every metadata command with NOPERM, as the tenant", async () => {
    const tenant = createClient({ url: redis.url, username: "tenant-acme", password: "acme-pass", socket: { reconnectStrategy: false } });
    tenant.on("error", () => undefined);
    await tenant.connect();
    try {
      for (const command of METADATA_COMMANDS_REFUSED) {
        await expect(tenant.sendCommand([...command]), command.join(" ")).rejects.toThrow(/NOPERM/);
      }
      expect(await tenant.sendCommand(["CLIENT", "ID"])).toBeTypeOf("number");
    } finally {
      await tenant.close();
    }
  });

  it("lets a user with category grants only see another tenant's key names through tracking (the leak the allowlist closes)", async () => {
    const rules = ["reset", "on", "resetkeys", "~tenant:leaky:*", "resetchannels", "&tenant:leaky:*", "-@all", "+@read", "+@write", "+@connection", "-@admin", "-@dangerous", ">leaky-pass"];
    await admin.sendCommand(["ACL", "SETUSER", "tenant-leaky", ...rules]);
    const leaky = createClient({ url: redis.url, username: "tenant-leaky", password: "leaky-pass", RESP: 3, socket: { reconnectStrategy: false } });
    leaky.on("error", () => undefined);
    await leaky.connect();
    try {
      expect(await leaky.sendCommand(["CLIENT", "TRACKING", "ON", "BCAST"])).toBe("OK");
    } finally {
      await leaky.close();
      await admin.sendCommand(["ACL", "DELUSER", "tenant-leaky"]);
    }
  });
});
