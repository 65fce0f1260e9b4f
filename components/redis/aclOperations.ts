import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";
import { withAdminClient, type CommandClient } from "./adminClient";
import type { RedisAdminSettings } from "./adminSettings";

/** The parts of a Redis ACL user the provider owns. */
export interface AclUserSpec {
  readonly username: string;
  readonly rules: readonly string[];
  readonly password: string;
}

/** What `ACL GETUSER` reports, reduced to what drift detection compares. */
export interface AclUserState {
  readonly enabled: boolean;
  readonly keys: string;
  readonly channels: string;
  readonly commands: string;
  readonly passwordCount: number;
}

/**
 * Writes the ACL users to the server's ACL file, when it has one, so they survive a restart (the
 * offline store platform runs Redis with an aclfile). A server configured without one keeps users
 * in its config or memory, and says so; that answer is not an error here.
 */
async function persistAcl(client: CommandClient): Promise<void> {
  try {
    await client.sendCommand(["ACL", "SAVE"]);
  } catch (error) {
    if (!/not configured to use an ACL file/i.test((error as Error).message)) throw error;
  }
}

/** Creates the user, or makes an existing one match the spec exactly (`reset` leads the rules). */
export async function setAclUser(settings: RedisAdminSettings, spec: AclUserSpec, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await withAdminClient(settings, `ACL SETUSER ${spec.username}`, timeoutMs, async (client) => {
    await client.sendCommand(["ACL", "SETUSER", spec.username, ...spec.rules, `>${spec.password}`]);
    await persistAcl(client);
  });
}

/**
 * Disconnects every client logged in as the user. Redis checks `on`/`off` and the password only
 * when a connection authenticates, so a session opened before a suspension or a rotation would
 * otherwise go on working. Returns how many connections were closed.
 */
export async function disconnectAclUser(settings: RedisAdminSettings, username: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<number> {
  return withAdminClient(settings, `CLIENT KILL USER ${username}`, timeoutMs, (client) => client.sendCommand<number>(["CLIENT", "KILL", "USER", username]));
}

/** Deletes the user; a user already gone is not an error. Returns whether it existed. */
export async function deleteAclUser(settings: RedisAdminSettings, username: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<boolean> {
  return withAdminClient(settings, `ACL DELUSER ${username}`, timeoutMs, async (client) => {
    const removed = await client.sendCommand<number>(["ACL", "DELUSER", username]);
    await persistAcl(client);
    return removed > 0;
  });
}

/**
 * The user's line of `ACL LIST` (`user <name> on #<sha256 of the password> ~keys &channels -@all …`):
 * Redis's own canonical form of everything the user is, or undefined when there is no such user.
 */
export async function getAclLine(settings: RedisAdminSettings, username: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<string | undefined> {
  return withAdminClient(settings, `ACL LIST (for ${username})`, timeoutMs, async (client) => {
    const lines = await client.sendCommand<string[]>(["ACL", "LIST"]);
    return lines.map(String).find((line) => line.startsWith(`user ${username} `));
  });
}

/** GETUSER answers a flat field/value array (RESP2) or a map the client has already turned into an object. */
function fieldsOf(reply: unknown[] | Record<string, unknown>): Map<string, unknown> {
  if (!Array.isArray(reply)) return new Map(Object.entries(reply));
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

/** Reads the user as Redis holds it, or undefined when there is no such user. */
export async function getAclUser(settings: RedisAdminSettings, username: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<AclUserState | undefined> {
  return withAdminClient(settings, `ACL GETUSER ${username}`, timeoutMs, async (client) => {
    const reply = await client.sendCommand<unknown[] | Record<string, unknown> | null>(["ACL", "GETUSER", username]);
    if (reply === null) return undefined;
    const fields = fieldsOf(reply);
    const flags = (fields.get("flags") as unknown[] | undefined)?.map(String) ?? [];
    return {
      enabled: flags.includes("on"),
      keys: String(fields.get("keys") ?? ""),
      channels: String(fields.get("channels") ?? ""),
      commands: String(fields.get("commands") ?? ""),
      passwordCount: ((fields.get("passwords") as unknown[] | undefined) ?? []).length,
    };
  });
}
