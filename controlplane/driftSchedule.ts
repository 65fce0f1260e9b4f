/**
 * How often drift is checked on every active tenant (issue #15): `FROSTBYTE_DRIFT_SCHEDULE`, a
 * 5-field cron expression (default every 6 hours) or `off`. The expression is checked with
 * cron-parser, the very parser (and options) pg-boss's timekeeper uses for its schedules, so what
 * this accepts, the queue's schedule runs the same way. It lives here, not in domain/, because
 * domain/ imports no such library, and a hand-written check would drift from pg-boss's own rules.
 */
import { CronExpressionParser } from "cron-parser";

export const DRIFT_SCHEDULE_ENV = "FROSTBYTE_DRIFT_SCHEDULE";
/** Every 6 hours, on the hour (UTC). */
export const DEFAULT_DRIFT_SCHEDULE = "0 */6 * * *";

/** The drift schedule of a deployment: a cron expression (UTC), or no schedule at all. */
export type DriftScheduleSetting = { readonly cron: string } | { readonly off: true };

/** `FROSTBYTE_DRIFT_SCHEDULE` is not a schedule; the message names the variable and what is allowed. */
export class DriftScheduleError extends Error {
  constructor(raw: string, problem: string) {
    super(
      `${DRIFT_SCHEDULE_ENV} is ${JSON.stringify(raw)}: ${problem}; expected a 5-field cron expression ` +
        `(minute hour day-of-month month day-of-week, UTC; e.g. "${DEFAULT_DRIFT_SCHEDULE}", the default) or "off"`,
    );
    this.name = "DriftScheduleError";
  }
}

const FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;

/**
 * The schedule `env` sets: the default when unset or empty, `{ off: true }` for `off`, otherwise the
 * expression with its fields single-spaced. Throws {@link DriftScheduleError} for anything else,
 * including cron-parser's extensions pg-boss would also take but a reader may not expect (a seconds
 * field, `@daily`).
 */
export function driftScheduleSetting(env: Readonly<Record<string, string | undefined>>): DriftScheduleSetting {
  const raw = env[DRIFT_SCHEDULE_ENV] ?? "";
  const value = raw.trim();
  if (value === "") return { cron: DEFAULT_DRIFT_SCHEDULE };
  if (value.toLowerCase() === "off") return { off: true };
  const fields = value.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    throw new DriftScheduleError(raw, `has ${fields.length} field${fields.length === 1 ? "" : "s"}, not ${FIELDS.length}`);
  }
  const cron = fields.join(" ");
  try {
    // pg-boss (dist/timekeeper.js) validates a schedule's cron with exactly these options.
    CronExpressionParser.parse(cron, { tz: "UTC", strict: false });
  } catch (error) {
    throw new DriftScheduleError(raw, error instanceof Error ? error.message : String(error));
  }
  return { cron };
}

/** The setting in words, for a worker's start-up line (the expression, or off). */
export function describeDriftSchedule(setting: DriftScheduleSetting): string {
  return "off" in setting ? `drift checks: off (${DRIFT_SCHEDULE_ENV}=off)` : `drift checks: ${JSON.stringify(setting.cron)} (UTC)`;
}
