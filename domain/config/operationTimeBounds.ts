/**
 * The time bounds of one stack operation (a portal operation, `frostbyte tenant rotate|suspend|resume`,
 * one tenant of a fleet run), read from the environment of the process that runs the engine:
 *
 * - `FROSTBYTE_OPERATION_DEADLINE_SECONDS`: the whole operation, engine and bookkeeping. When it
 *   passes, the engine is cancelled and the tenant settled FAILED with the reason.
 * - `FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS`: how long the cancelled engine may take to stop by
 *   itself (it finishes the steps it has started) before it is terminated, then killed.
 *
 * The stack's own write-back (in the engine's processes) retries a control plane that does not
 * answer for `FROSTBYTE_WRITE_BACK_RETRY_SECONDS`; the tenant stacks set it to their deadline, and
 * without it (a `pulumi up` run by hand, unless set) the write-back does not retry.
 * Pure, so every process reads and checks the same rules.
 */

export const OPERATION_DEADLINE_ENV = "FROSTBYTE_OPERATION_DEADLINE_SECONDS";
export const OPERATION_CANCEL_GRACE_ENV = "FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS";
export const WRITE_BACK_RETRY_ENV = "FROSTBYTE_WRITE_BACK_RETRY_SECONDS";

/** Half an hour: a first online provisioning (a Hetzner server and every store) takes minutes. */
export const DEFAULT_OPERATION_DEADLINE_SECONDS = 1800;
export const DEFAULT_OPERATION_CANCEL_GRACE_SECONDS = 30;
/** Longest bound accepted (a week): anything longer is a typo, not a deadline. */
const MAX_SECONDS = 7 * 24 * 3600;

/** The bounds of every operation of one process. */
export interface OperationTimeBounds {
  readonly deadlineSeconds: number;
  readonly cancelGraceSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Whole seconds from 1 to a week, the default when unset or empty; otherwise why not. */
function seconds(env: Env, name: string, defaultValue: number): number | string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return defaultValue;
  const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_SECONDS)) return `${name} is ${JSON.stringify(raw)}; expected whole seconds from 1 to ${MAX_SECONDS} (default ${defaultValue})`;
  return value;
}

/** The bounds `env` sets, or why one of them is unusable (names the variable and what is allowed). */
export function operationTimeBounds(env: Env): OperationTimeBounds | { readonly problem: string } {
  const deadlineSeconds = seconds(env, OPERATION_DEADLINE_ENV, DEFAULT_OPERATION_DEADLINE_SECONDS);
  if (typeof deadlineSeconds === "string") return { problem: deadlineSeconds };
  const cancelGraceSeconds = seconds(env, OPERATION_CANCEL_GRACE_ENV, DEFAULT_OPERATION_CANCEL_GRACE_SECONDS);
  if (typeof cancelGraceSeconds === "string") return { problem: cancelGraceSeconds };
  return { deadlineSeconds, cancelGraceSeconds };
}

/**
 * How long the write-back may retry a control plane that does not answer: the variable's whole
 * seconds, 0 (no retry) when it is unset or unusable. The write-back runs inside the engine, where a
 * bad value must not fail a deployment; the tenant stacks always set a checked one.
 */
export function writeBackRetrySeconds(env: Env): number {
  const value = seconds(env, WRITE_BACK_RETRY_ENV, 0);
  return typeof value === "number" ? value : 0;
}
