import type { TenantNames } from "../naming";

/** Command categories a tenant user gets; everything else stays denied by `-@all`. */
const ALLOWED_CATEGORIES = ["+@read", "+@write", "+@connection", "+@transaction", "+@pubsub"] as const;
/**
 * Removed last, so a command that is in an allowed category and also admin or dangerous stays denied.
 * `@scripting` goes too: FUNCTION LOAD/FLUSH/DELETE sit in `@write` but change server-wide state
 * that every tenant shares.
 */
const DENIED_CATEGORIES = ["-@admin", "-@dangerous", "-@scripting"] as const;
/** Read commands that ignore key patterns and would reveal other tenants' key names or counts. */
const DENIED_COMMANDS = ["-scan", "-randomkey", "-dbsize"] as const;

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
    ...ALLOWED_CATEGORIES,
    ...DENIED_CATEGORIES,
    ...DENIED_COMMANDS,
  ];
}

/** Rules that must never appear in a tenant user: the whole keyspace, all channels, all commands, admin or dangerous. */
export const FORBIDDEN_REDIS_RULES: readonly string[] = ["~*", "allkeys", "&*", "allchannels", "+@all", "allcommands", "+@admin", "+@dangerous"];
