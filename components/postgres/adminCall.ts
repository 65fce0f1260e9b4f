import type { PostgresAdminSettings } from "./adminSettings";
import { sslOptionOf } from "./adminSettings";
import { isPostgresTimeout, postgresClientBounds, withinTimeBound } from "../timeBounds";

/**
 * Runs `work` on a fresh connection of the tenant-database server's admin role, named
 * `applicationName` in pg_stat_activity. The whole call (connect, queries, close) waits at most
 * `timeoutMs`, then fails with a StoreTimeoutError naming `call`, the connection destroyed. `pg` is
 * required inside the call: this runs in a dynamic provider's own process.
 */
export async function withAdminConnection<T>(
  settings: PostgresAdminSettings,
  what: { readonly applicationName: string; readonly call: string; readonly timeoutMs: number },
  work: (client: import("pg").Client) => Promise<T>,
): Promise<T> {
  const { Client } = require("pg") as typeof import("pg");
  const client = new Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: sslOptionOf(settings.sslmode),
    ...postgresClientBounds(what.timeoutMs),
    application_name: what.applicationName,
  });
  client.on("error", () => undefined);
  const bound = { store: "PostgreSQL", call: what.call, ms: what.timeoutMs } as const;
  return withinTimeBound(
    bound,
    async () => {
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { release: () => client.connection.stream.destroy(), isClientTimeout: isPostgresTimeout },
  );
}
