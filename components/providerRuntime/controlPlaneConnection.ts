/**
 * The short-lived control-plane connection of the stack's own code: the write-back, age-key,
 * secrets-file and isolation providers (in the dynamic provider host) and the failure hook (in
 * the program). Runtime side only: providers reach it through their runtime module, never capture it.
 */
import type pg from "pg";
import { retryControlPlane, withControlPlanePool } from "../../controlplane";
import { writeBackRetrySeconds } from "../../domain";

/** Where the stack's code reads the control-plane URL from; named when the database does not answer. */
export const CONTROL_PLANE_SETTING = "frostbyte:controlPlaneDbUrl";

/**
 * Runs `work` on a pool of at most two connections that is always closed afterwards. A connect
 * timeout becomes a ControlPlaneTimeoutError naming frostbyte:controlPlaneDbUrl and the seconds
 * waited (the URL's connect_timeout), so the engine's error says what to check; the URL itself,
 * which holds a password, is never quoted.
 *
 * A control plane that does not answer (paused, restarting, cut off) is retried on a fresh pool for
 * FROSTBYTE_WRITE_BACK_RETRY_SECONDS, which the tenant stacks set to the operation's deadline (the
 * engine is cancelled then anyway): the record is delayed, not lost. Every `work` given here finds
 * its own change when an earlier attempt committed before its answer was lost. A read that may do
 * without the answer (a diff) passes `retry: false`.
 */
export function withControlPlane<T>(url: string, work: (pool: pg.Pool) => Promise<T>, options: { readonly retry?: boolean } = {}): Promise<T> {
  const retrySeconds = options.retry === false ? 0 : writeBackRetrySeconds(process.env);
  const once = () => withControlPlanePool(url, { max: 2, setting: CONTROL_PLANE_SETTING }, work);
  return retrySeconds === 0 ? once() : retryControlPlane(once, { until: Date.now() + retrySeconds * 1000 });
}
