import pg from "pg";
import { createClient } from "redis";
import type { TenantCredentials } from "../../../components";
import type { LocalEnvironment } from "./localEnvironment";
import { attempt } from "./storeChecks";

/** Sessions a tenant opened with its credentials at one moment, kept open across an operation. */
export interface LiveSessions {
  /** Runs one command on each session: true where the session still works. */
  stillWork(): Promise<{ readonly redis: boolean; readonly postgres: boolean }>;
  close(): Promise<void>;
}

/** Opens a Redis connection and a PostgreSQL session as the tenant, on its own namespace. */
export async function openLiveSessions(env: LocalEnvironment, credentials: TenantCredentials, database: string, keyPrefix: string): Promise<LiveSessions> {
  const redis = createClient({ url: env.redis.url, username: credentials.redis.user, password: credentials.redis.password, socket: { reconnectStrategy: false } });
  redis.on("error", () => undefined);
  await redis.connect();
  const postgres = new pg.Client({ host: "127.0.0.1", port: env.postgres.port, user: credentials.postgres.user, password: credentials.postgres.password, database });
  postgres.on("error", () => undefined);
  await postgres.connect();
  return {
    async stillWork() {
      const [redisWorks, postgresWorks] = await Promise.all([attempt(() => redis.set(`${keyPrefix}live-session`, "1")), attempt(() => postgres.query("SELECT 1"))]);
      return { redis: redisWorks, postgres: postgresWorks };
    },
    async close() {
      await Promise.allSettled([redis.close().catch(() => redis.destroy()), postgres.end()]);
    },
  };
}
