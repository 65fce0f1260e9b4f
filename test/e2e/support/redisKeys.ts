/** Counting a tenant's keys in every logical database of a Redis, as its administrator (a check independent of the provider's own SCAN). */
/** The one client method the count uses. */
interface CommandClient {
  sendCommand<T>(args: string[]): Promise<T>;
}

/** How many keys `tenant:{id}:*` are left, over every database of the server. */
export async function tenantKeysLeft(admin: CommandClient, tenantId: string): Promise<number> {
  const reply = await admin.sendCommand<string[]>(["CONFIG", "GET", "databases"]);
  const databases = Number(reply[1]);
  let left = 0;
  for (let database = 0; database < databases; database += 1) {
    await admin.sendCommand(["SELECT", String(database)]);
    left += (await admin.sendCommand<string[]>(["KEYS", `tenant:${tenantId}:*`])).length;
  }
  await admin.sendCommand(["SELECT", "0"]);
  return left;
}
