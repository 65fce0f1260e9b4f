/**
 * The settings of `frostbyte worker`, read from its environment. Every worker of a deployment
 * should share them: the heartbeat and takeover settings are written onto the job queue by each
 * worker that starts.
 *
 * - `FROSTBYTE_WORKER_CONCURRENCY`: operations one worker runs at once (default 2).
 * - `FROSTBYTE_WORKER_HEARTBEAT_SECONDS`: how often a running job must be confirmed; a job whose
 *   worker missed it this long is taken over by another worker (default 30, at least 10: pg-boss).
 * - `FROSTBYTE_WORKER_SUPERVISE_SECONDS`: how often workers look for such jobs (default 10).
 * - `FROSTBYTE_WORKER_TAKEOVERS`: how many times an operation is taken over before it is failed
 *   for good (default 2).
 *
 * A job is taken over at most heartbeat + supervise + poll (2 s) seconds after its worker stopped.
 * Pure, so the tests and every process read the same rules.
 */

export const WORKER_CONCURRENCY_ENV = "FROSTBYTE_WORKER_CONCURRENCY";
export const WORKER_HEARTBEAT_ENV = "FROSTBYTE_WORKER_HEARTBEAT_SECONDS";
export const WORKER_SUPERVISE_ENV = "FROSTBYTE_WORKER_SUPERVISE_SECONDS";
export const WORKER_TAKEOVERS_ENV = "FROSTBYTE_WORKER_TAKEOVERS";

/** How often a worker polls the queue when no notification woke it. */
export const WORKER_POLL_SECONDS = 2;

export interface WorkerSettings {
  readonly concurrency: number;
  readonly heartbeatSeconds: number;
  readonly superviseSeconds: number;
  readonly takeovers: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = { concurrency: 2, heartbeatSeconds: 30, superviseSeconds: 10, takeovers: 2 };

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, min: number, max: number, defaultValue: number): number | string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return defaultValue;
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) return `${name} is ${JSON.stringify(raw)}; expected a whole number from ${min} to ${max} (default ${defaultValue})`;
  return value;
}

/** The settings `env` sets, or why one of them is unusable (names the variable and what is allowed). */
export function workerSettings(env: Env): WorkerSettings | { readonly problem: string } {
  const d = DEFAULT_WORKER_SETTINGS;
  const concurrency = integer(env, WORKER_CONCURRENCY_ENV, 1, 64, d.concurrency);
  const heartbeatSeconds = integer(env, WORKER_HEARTBEAT_ENV, 10, 3600, d.heartbeatSeconds);
  const superviseSeconds = integer(env, WORKER_SUPERVISE_ENV, 1, 3600, d.superviseSeconds);
  const takeovers = integer(env, WORKER_TAKEOVERS_ENV, 0, 10, d.takeovers);
  for (const value of [concurrency, heartbeatSeconds, superviseSeconds, takeovers]) if (typeof value === "string") return { problem: value };
  return { concurrency, heartbeatSeconds, superviseSeconds, takeovers } as WorkerSettings;
}
