/**
 * The control-plane URL's `connect_timeout` query parameter, read with libpq's meaning (whole
 * seconds; 0 waits forever) because node-postgres ignores it. Pure, so stack-config validation
 * can refuse a bad value before any resource is touched.
 */

/** How long a connection may take to open when the URL does not say. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** Why the URL's connect_timeout is unusable, or undefined when it is fine or absent. */
export function connectTimeoutProblem(url: URL): string | undefined {
  const raw = url.searchParams.get("connect_timeout");
  if (raw === null || /^\d{1,6}$/.test(raw)) return undefined;
  return `has connect_timeout ${JSON.stringify(raw)}; expected whole seconds (0 waits forever)`;
}

/** Milliseconds to wait for a connection to open (0: forever); call after connectTimeoutProblem. */
export function connectTimeoutMillis(url: URL): number {
  const raw = url.searchParams.get("connect_timeout");
  return (raw === null ? DEFAULT_CONNECT_TIMEOUT_SECONDS : Number(raw)) * 1000;
}
