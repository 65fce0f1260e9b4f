/**
 * Deleting a tenant's Redis keys when the tenant is destroyed. Its ACL user may write keys of its
 * pattern in every logical database (SELECT is a connection command it keeps), so every database
 * holding keys is scanned. Runs in the dynamic provider's own process.
 */
import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";
import { withAdminClient, type CommandClient } from "./adminClient";
import type { RedisAdminSettings } from "./adminSettings";

/** Keys asked for per SCAN round, and so at most deleted per UNLINK. */
const SCAN_COUNT = 1000;

/**
 * The SCAN glob of one tenant's key pattern (`~tenant:acme:*` → `tenant:acme:*`). Anything else is
 * refused: a glob that could match a neighbour's keys must never reach a delete.
 */
export function tenantKeysGlob(pattern: string): string {
  const prefix = /^~?(tenant:[a-z][a-z0-9-]*[a-z0-9]:)\*$/.exec(pattern)?.[1];
  if (prefix === undefined) throw new Error(`refusing to delete Redis keys by ${JSON.stringify(pattern)}: it is not one tenant's key pattern (~tenant:<id>:*)`);
  return `${prefix}*`;
}

/**
 * Asks the server to answer (`PING`) as the admin. The keys resource is created only where its
 * delete can later reach: a resource recorded without the server ever answering would make the
 * tenant's deprovision fail on a Redis that never held anything of it.
 */
export async function assertKeysServerAnswers(settings: RedisAdminSettings, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await withAdminClient(settings, "PING", timeoutMs, (client) => client.sendCommand(["PING"]));
}

/** The logical databases that hold keys, from `INFO keyspace` (`db3:keys=5,expires=0,…`). */
async function databasesWithKeys(client: CommandClient): Promise<number[]> {
  const info = String(await client.sendCommand<string>(["INFO", "keyspace"]));
  return [...info.matchAll(/^db(\d+):keys=/gm)].map((match) => Number(match[1]));
}

async function deleteInDatabase(client: CommandClient, database: number, glob: string): Promise<number> {
  await client.sendCommand(["SELECT", String(database)]);
  let removed = 0;
  let cursor = "0";
  do {
    const [next, keys] = await client.sendCommand<[string, string[]]>(["SCAN", cursor, "MATCH", glob, "COUNT", String(SCAN_COUNT)]);
    if (keys.length > 0) removed += await client.sendCommand<number>(["UNLINK", ...keys]);
    cursor = String(next);
  } while (cursor !== "0");
  return removed;
}

/**
 * Deletes every key of the tenant's pattern in every database; returns how many were deleted. Each
 * database is one admin call bounded by `timeoutMs`.
 */
export async function deleteTenantKeys(settings: RedisAdminSettings, pattern: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<number> {
  const glob = tenantKeysGlob(pattern);
  const databases = await withAdminClient(settings, "INFO keyspace", timeoutMs, databasesWithKeys);
  let removed = 0;
  for (const database of databases) removed += await withAdminClient(settings, `deleting keys ${glob} in database ${database}`, timeoutMs, (client) => deleteInDatabase(client, database, glob));
  return removed;
}
