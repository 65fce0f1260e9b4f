/**
 * Retrying control-plane work that failed because the control plane did not answer (see
 * transientErrors.ts): a paused, restarting or unreachable server delays a record, and the record is
 * written once it answers again. Backoff doubles from half a second to five; an error that is not
 * transient ends the retries at once, and so do refused connections that go on for longer than a
 * restart takes (a wrong address must fail as fast as it did without retries).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isConnectionRefused, isTransientControlPlaneError } from "./transientErrors";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;
/** How long connections may be refused in a row before the address counts as wrong, not restarting. */
export const REFUSED_PATIENCE_MS = 10_000;

/** When retrying stops. */
export interface ControlPlaneRetryOptions {
  /** Epoch milliseconds after which no attempt starts; without it, retries go on until `signal`. */
  readonly until?: number;
  /** Once aborted, no further attempt starts (the one running finishes). */
  readonly signal?: AbortSignal;
  /** Told about every failed attempt that will be retried. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs `work` (given the attempt number, from 1) until it resolves, its error is not transient, or
 * the options say to stop; then its last error is thrown. Work that may have committed before its
 * answer was lost (a timeout on COMMIT) runs again: it must find its own change and not repeat it.
 */
export async function retryControlPlane<T>(work: (attempt: number) => Promise<T>, options: ControlPlaneRetryOptions = {}): Promise<T> {
  let refusedSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!isTransientControlPlaneError(error) || options.signal?.aborted) throw error;
      refusedSince = isConnectionRefused(error) ? (refusedSince ?? Date.now()) : undefined;
      if (refusedSince !== undefined && Date.now() - refusedSince >= REFUSED_PATIENCE_MS) throw error;
      const left = options.until === undefined ? Infinity : options.until - Date.now();
      if (left <= 0) throw error;
      options.onRetry?.(error, attempt);
      try {
        await sleep(Math.min(FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 10), MAX_DELAY_MS, left), undefined, options.signal ? { signal: options.signal } : undefined);
      } catch {
        throw error;
      }
    }
  }
}
