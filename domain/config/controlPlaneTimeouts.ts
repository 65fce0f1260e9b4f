/**
 * The time bounds of every control-plane connection, read from the control-plane URL's query
 * parameters so that the CLI, the portal and the stack's write-back (which only share the URL) keep
 * the same ones. Pure, so stack-config validation can refuse a bad value before anything is touched.
 *
 * - `connect_timeout` (whole seconds, libpq's meaning; node-postgres ignores it, so it is applied here)
 * - `statement_timeout`, `lock_timeout`, `idle_in_transaction_session_timeout` (milliseconds): sent
 *   to the server as the session's settings, so a stuck statement or a waited-for lock ends there
 * - `query_timeout` (milliseconds): node-postgres gives up on an answer itself, for a server that
 *   does not answer at all (stopped, partitioned), where the server-side bounds never fire
 *
 * 0 switches a bound off.
 */

/** Each bound, its unit and its default. */
export const CONTROL_PLANE_TIMEOUTS = {
  connect_timeout: { unit: "s", defaultValue: 10 },
  statement_timeout: { unit: "ms", defaultValue: 30_000 },
  lock_timeout: { unit: "ms", defaultValue: 10_000 },
  idle_in_transaction_session_timeout: { unit: "ms", defaultValue: 60_000 },
  query_timeout: { unit: "ms", defaultValue: 45_000 },
} as const;

/** The name of one control-plane time bound (a URL query parameter). */
export type ControlPlaneTimeout = keyof typeof CONTROL_PLANE_TIMEOUTS;

/** How long a connection may take to open when the URL does not say. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = CONTROL_PLANE_TIMEOUTS.connect_timeout.defaultValue;

const NAMES = Object.keys(CONTROL_PLANE_TIMEOUTS) as ControlPlaneTimeout[];

/** Why one of the URL's time bounds is unusable, or undefined when all are fine or absent. */
export function controlPlaneTimeoutProblem(url: URL): string | undefined {
  for (const name of NAMES) {
    const raw = url.searchParams.get(name);
    if (raw !== null && !/^\d{1,9}$/.test(raw)) {
      const expected = CONTROL_PLANE_TIMEOUTS[name].unit === "s" ? "whole seconds (0 waits forever)" : "whole milliseconds (0 switches it off)";
      return `has ${name} ${JSON.stringify(raw)}; expected ${expected}`;
    }
  }
  return undefined;
}

/** Every bound in its own unit, the URL's value or the default; call after controlPlaneTimeoutProblem. */
export function controlPlaneTimeouts(url: URL): Record<ControlPlaneTimeout, number> {
  const entries = NAMES.map((name) => [name, Number(url.searchParams.get(name) ?? CONTROL_PLANE_TIMEOUTS[name].defaultValue)] as const);
  return Object.fromEntries(entries) as Record<ControlPlaneTimeout, number>;
}
