/** One bounded admin connection to Redis, for the dynamic providers' operations (the ACL user, the tenant's keys). */
import { isRedisTimeout, redisSocketBounds, withinTimeBound } from "../timeBounds";
import type { RedisAdminSettings } from "./adminSettings";

/** The one client method the operations use. */
export interface CommandClient {
  sendCommand<T>(args: readonly string[]): Promise<T>;
}

/**
 * Runs `work` (named `call` in errors) on a fresh admin connection and always closes it. The client
 * is required here, inside the call, because this code also runs in the dynamic provider's own
 * process after serialisation. A server that accepts the connection and stops answering fails the
 * step with a StoreTimeoutError after `timeoutMs`, login and commands together, instead of stalling
 * the deployment; the client is destroyed then.
 */
export async function withAdminClient<T>(settings: RedisAdminSettings, call: string, timeoutMs: number, work: (client: CommandClient) => Promise<T>): Promise<T> {
  const { createClient } = require("redis") as typeof import("redis");
  const client = createClient({
    url: settings.url,
    username: settings.adminUser,
    password: settings.adminPassword,
    socket: { reconnectStrategy: false, ...redisSocketBounds(timeoutMs) },
  });
  client.on("error", () => undefined);
  return withinTimeBound({ store: "Redis", call, ms: timeoutMs }, run, { release: () => client.destroy(), isClientTimeout: isRedisTimeout });

  async function run(): Promise<T> {
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`cannot connect to Redis at ${redactUrl(settings.url)}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return await work(client);
    } finally {
      await client.close().catch(() => client.destroy());
    }
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "<unparseable URL>";
  }
}

