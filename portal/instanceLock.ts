/**
 * One portal per control plane: a PostgreSQL session advisory lock held on a dedicated connection
 * for the portal's whole life. It is what makes start-up recovery safe — an operation found running
 * can only be one whose portal is gone — and it keeps two portals from driving the same stacks.
 */
import pg from "pg";
import { controlPlaneClientConfig } from "../controlplane";

/** The lock's key: a fixed 64-bit hash, the same for every portal of any control plane. */
const LOCK_KEY_SQL = "hashtextextended('frostbyte-portal', 0)";

/** Another portal holds the lock. */
export class PortalAlreadyRunningError extends Error {
  constructor() {
    super("another frostbyte portal is running against this control-plane database (it holds the portal lock); run one portal per control plane");
    this.name = "PortalAlreadyRunningError";
  }
}

/** A held lock; `release` unlocks and closes its connection. */
export interface PortalLock {
  release(): Promise<void>;
}

/** Takes the lock or throws {@link PortalAlreadyRunningError}; never waits. */
export async function acquirePortalLock(controlDbUrl: string): Promise<PortalLock> {
  const client = new pg.Client({ ...controlPlaneClientConfig(controlDbUrl), application_name: "frostbyte-portal-lock" });
  // A dropped connection loses the lock; the portal keeps serving, and the next start takes it again.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const result = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY_SQL}) AS locked`);
    if (result.rows[0]?.locked !== true) throw new PortalAlreadyRunningError();
  } catch (error) {
    await client.end();
    throw error;
  }
  return {
    release: async () => {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY_SQL})`).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
