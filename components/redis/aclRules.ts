import type { TenantNames } from "../../domain";

/** One ACL rule of the tenant allowlist and the reason it is there. */
export interface ExplainedRule {
  readonly rule: string;
  readonly why: string;
}

/**
 * The categories a tenant user is granted, on top of `-@all`. Redis applies key patterns (`~`) only
 * to commands that name keys and channel patterns (`&`) only to commands that name channels, so a
 * category is granted only when each of its commands either names keys or channels, or is a keyless
 * command listed in {@link KEYLESS_COMMANDS_ALLOWED}; everything else in it is an exception below.
 */
export const GRANTED_CATEGORIES: readonly ExplainedRule[] = [
  { rule: "+@read", why: "reads of the tenant's own keys; key patterns apply" },
  { rule: "+@write", why: "writes of the tenant's own keys; key patterns apply" },
  { rule: "+@connection", why: "AUTH, HELLO, PING, CLIENT ID/INFO/SETNAME: the connection itself" },
  { rule: "+@transaction", why: "MULTI/EXEC/WATCH; every queued command is checked again at EXEC" },
  { rule: "+@pubsub", why: "PUBLISH/SUBSCRIBE and their shard forms on the tenant's own channels; channel patterns apply" },
];

/** Whole categories removed after the grants, so a command that is in a granted category and also in one of these stays denied. */
export const DENIED_CATEGORIES: readonly ExplainedRule[] = [
  { rule: "-@admin", why: "server administration (CONFIG, CLIENT LIST/KILL, SLOWLOG, MONITOR, ACL) sees or changes every tenant" },
  { rule: "-@dangerous", why: "KEYS, FLUSHALL, FLUSHDB, SWAPDB, SORT with BY/GET, INFO, MIGRATE, RESTORE: keyspace-wide or server-wide" },
  { rule: "-@scripting", why: "FUNCTION LOAD/FLUSH/DELETE sit in @write but change server-wide state that every tenant shares" },
];

/** Single commands and subcommands of the granted categories that ignore key or channel patterns. */
export const DENIED_COMMANDS: readonly ExplainedRule[] = [
  { rule: "-scan", why: "walks the whole keyspace; key patterns do not filter it" },
  { rule: "-randomkey", why: "returns any key name, another tenant's included" },
  { rule: "-dbsize", why: "counts every tenant's keys" },
  { rule: "-client|tracking", why: "CLIENT TRACKING ON BCAST pushes invalidations naming every key written by anyone (redis/redis#15371)" },
  { rule: "-client|trackinginfo", why: "belongs to tracking, which is denied" },
  { rule: "-client|caching", why: "belongs to tracking, which is denied" },
  { rule: "-client|getredir", why: "belongs to tracking, which is denied" },
  { rule: "-pubsub", why: "PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB list every tenant's channels and subscriber counts" },
];

/**
 * The keyless commands (no key or channel argument) that the grants leave allowed, and why each
 * reveals nothing about other tenants. A test compares this list with what the live server grants,
 * so a command Redis adds to a granted category is either listed here with a reason or denied above.
 */
export const KEYLESS_COMMANDS_ALLOWED: Readonly<Record<string, string>> = {
  asking: "cluster redirection flag of this connection",
  auth: "authenticates this connection",
  "client|getname": "this connection's own name",
  "client|help": "static help text",
  "client|id": "this connection's own id",
  "client|info": "this connection's own row of CLIENT LIST",
  "client|reply": "this connection's reply mode",
  "client|setinfo": "this connection's library name and version",
  "client|setname": "names this connection",
  command: "the server's command table: the same for everyone, no data",
  "command|count": "the server's command table",
  "command|docs": "the server's command table",
  "command|getkeys": "parses the arguments it is given",
  "command|getkeysandflags": "parses the arguments it is given",
  "command|help": "static help text",
  "command|info": "the server's command table",
  "command|list": "the server's command table",
  discard: "ends this connection's transaction",
  echo: "returns its argument",
  exec: "runs this connection's queued commands, each checked against the ACL again",
  hello: "protocol handshake of this connection",
  lolwut: "prints the server version as art",
  multi: "starts a transaction of this connection",
  ping: "liveness",
  psubscribe: "channel patterns are checked against the user's channel pattern",
  publish: "the channel is checked against the user's channel pattern",
  subscribe: "the channels are checked against the user's channel pattern",
  punsubscribe: "leaves this connection's own subscriptions",
  quit: "closes this connection",
  readonly: "cluster read mode of this connection",
  readwrite: "cluster read mode of this connection",
  reset: "resets this connection",
  select: "switches database; key patterns apply in every database",
  sunsubscribe: "leaves this connection's own subscriptions",
  unsubscribe: "leaves this connection's own subscriptions",
  unwatch: "forgets this connection's watched keys",
  wait: "waits for replicas to acknowledge this connection's writes",
  waitaof: "waits for the AOF to hold this connection's writes",
  "pubsub|help": "static help text",
  "xinfo|help": "static help text",
  "xgroup|help": "static help text",
  "object|help": "static help text",
  "memory|help": "static help text",
};

/**
 * Commands a tenant must be refused however its rules were written, because they read or push
 * metadata of the whole server: the isolation verification runs each with the tenant's own
 * credentials and fails the deployment if one is allowed. Arguments are harmless if one slipped through.
 */
export const METADATA_COMMANDS_REFUSED: readonly (readonly string[])[] = [
  ["CLIENT", "TRACKING", "ON", "BCAST"],
  ["CLIENT", "LIST"],
  ["PUBSUB", "CHANNELS"],
  ["PUBSUB", "NUMSUB", "tenant:isolation-probe:events"],
  ["PUBSUB", "NUMPAT"],
  ["PUBSUB", "SHARDCHANNELS"],
  ["PUBSUB", "SHARDNUMSUB", "tenant:isolation-probe:events"],
  ["SCAN", "0"],
  ["KEYS", "*"],
  ["RANDOMKEY"],
  ["DBSIZE"],
  ["INFO", "keyspace"],
  ["CONFIG", "GET", "maxmemory"],
  ["SLOWLOG", "GET", "1"],
  ["ACL", "USERS"],
  ["MEMORY", "STATS"],
  ["FUNCTION", "LIST"],
];

/**
 * The ACL rules of a tenant's Redis user (DESIGN §2), without its password. `reset` first makes
 * every SETUSER absolute: whatever the user had before, it ends with exactly these rules.
 */
export function redisAclRules(names: TenantNames, enabled: boolean): string[] {
  return [
    "reset",
    enabled ? "on" : "off",
    "resetkeys",
    names.redis.keyPattern,
    "resetchannels",
    names.redis.channelPattern,
    "-@all",
    ...GRANTED_CATEGORIES.map((entry) => entry.rule),
    ...DENIED_CATEGORIES.map((entry) => entry.rule),
    ...DENIED_COMMANDS.map((entry) => entry.rule),
  ];
}

/** The denials every tenant user's rules must carry (checked by the policy pack). */
export const REQUIRED_REDIS_DENIALS: readonly string[] = [...DENIED_CATEGORIES, ...DENIED_COMMANDS].map((entry) => entry.rule);

/** Rules that must never appear in a tenant user: the whole keyspace, all channels, all commands, admin or dangerous. */
export const FORBIDDEN_REDIS_RULES: readonly string[] = ["~*", "allkeys", "&*", "allchannels", "+@all", "allcommands", "+@admin", "+@dangerous"];
