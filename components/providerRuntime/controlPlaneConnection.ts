/**
 * The short-lived control-plane connection of the stack's own code: the write-back, age-key,
 * secrets-file and isolation providers (in the dynamic provider host) and the failure hook (in
 * the program). Runtime side only: providers reach it through their runtime module, never capture it.
 */
import type pg from "pg";
import { withControlPlanePool } from "../../controlplane";

/** Where the stack's code reads the control-plane URL from; named when the database does not answer. */
export const CONTROL_PLANE_SETTING = "frostbyte:controlPlaneDbUrl";

/**
 * Runs `work` on a pool of at most two connections that is always closed afterwards. A connect
 * timeout becomes a ControlPlaneTimeoutError naming frostbyte:controlPlaneDbUrl and the seconds
 * waited (the URL's connect_timeout), so the engine's error says what to check; the URL itself,
 * which holds a password, is never quoted.
 */
export function withControlPlane<T>(url: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  return withControlPlanePool(url, { max: 2, setting: CONTROL_PLANE_SETTING }, work);
}
