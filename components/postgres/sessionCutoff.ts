import { withAdminConnection } from "./adminCall";
import type { PostgresAdminSettings } from "./adminSettings";
import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";

/** How long PostgreSQL may take to end one backend before the cutoff counts as failed. */
const TERMINATE_WAIT_MS = 5_000;

/**
 * Ends every open session of a login role. PostgreSQL checks LOGIN and the password only when a
 * session starts, so NOLOGIN (suspension) or a new password (rotation) leaves sessions opened before
 * it working; `pg_terminate_backend` ends them. The admin role needs `pg_signal_backend` (granted by
 * `frostbyte db prepare-tenant-server`) unless it is a superuser. Returns how many sessions ended.
 * `pg` is required inside the call: this runs in the dynamic provider's own process. The whole call
 * (connect, query, close) waits at most `timeoutMs` (default {@link ADMIN_CALL_TIMEOUT_MS}) for the
 * server, then fails with a StoreTimeoutError and the connection destroyed.
 */
export async function terminateRoleSessions(settings: PostgresAdminSettings, role: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<number> {
  return withAdminConnection(settings, { applicationName: "frostbyte-session-cutoff", call: `ending the sessions of ${role}`, timeoutMs }, (client) => endSessions(client, settings, role));
}

async function endSessions(client: import("pg").Client, settings: PostgresAdminSettings, role: string): Promise<number> {
  const ended = await client
    .query<{ pid: number; ended: boolean }>(
      "SELECT pid, pg_terminate_backend(pid, $2) AS ended FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()",
      [role, TERMINATE_WAIT_MS],
    )
    .catch((error: Error) => {
      throw new Error(
        `cannot end the sessions of ${role}: ${error.message} (the admin role needs pg_signal_backend: run frostbyte db prepare-tenant-server --admin-role ${settings.user})`,
        { cause: error },
      );
    });
  const left = ended.rows.filter((row) => !row.ended);
  if (left.length > 0) throw new Error(`sessions of ${role} still open after ${TERMINATE_WAIT_MS / 1000} s: backend(s) ${left.map((row) => row.pid).join(", ")}`);
  return ended.rows.length;
}
