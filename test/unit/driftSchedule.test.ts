import { describe, expect, it } from "vitest";
import { DEFAULT_DRIFT_SCHEDULE, describeDriftSchedule, DriftScheduleError, driftScheduleSetting } from "../../controlplane";

const schedule = (value: string | undefined) => driftScheduleSetting({ FROSTBYTE_DRIFT_SCHEDULE: value });

describe("FROSTBYTE_DRIFT_SCHEDULE", () => {
  it("defaults to every 6 hours when unset or empty", () => {
    expect(DEFAULT_DRIFT_SCHEDULE).toBe("0 */6 * * *");
    expect(driftScheduleSetting({})).toEqual({ cron: "0 */6 * * *" });
    expect(schedule("   ")).toEqual({ cron: "0 */6 * * *" });
  });

  it("turns the schedule off with off, in any case", () => {
    expect(schedule("off")).toEqual({ off: true });
    expect(schedule(" OFF ")).toEqual({ off: true });
    expect(describeDriftSchedule({ off: true })).toBe("drift checks: off (FROSTBYTE_DRIFT_SCHEDULE=off)");
  });

  it("takes a 5-field cron expression, fields single-spaced", () => {
    expect(schedule("*/15 * * * *")).toEqual({ cron: "*/15 * * * *" });
    expect(schedule(" 30  2 * *\tMON-FRI ")).toEqual({ cron: "30 2 * * MON-FRI" });
    expect(schedule("0 3 1,15 * *")).toEqual({ cron: "0 3 1,15 * *" });
    expect(describeDriftSchedule({ cron: "0 3 * * *" })).toBe('drift checks: "0 3 * * *" (UTC)');
  });

  it.each([
    ["0 */6 * *", /has 4 fields, not 5/],
    ["0 0 */6 * * *", /has 6 fields, not 5/],
    ["@daily", /has 1 field, not 5/],
    ["60 * * * *", /Constraint error, got value 60 expected range 0-59/],
    ["0 0 * * 8", /expected range 0-7/],
    ["0 0 31 2 *", /Invalid explicit day of month/],
    ["0 */0 * * *", /cannot repeat at every 0 time/],
    ["every six hours of day", /Invalid characters/],
    ["on", /has 1 field, not 5/],
  ])("refuses %j naming the variable and what is allowed", (raw, problem) => {
    expect(() => schedule(raw)).toThrow(DriftScheduleError);
    expect(() => schedule(raw)).toThrow(problem);
    expect(() => schedule(raw)).toThrow(
      `FROSTBYTE_DRIFT_SCHEDULE is ${JSON.stringify(raw)}: `,
    );
    expect(() => schedule(raw)).toThrow('expected a 5-field cron expression (minute hour day-of-month month day-of-week, UTC; e.g. "0 */6 * * *", the default) or "off"');
  });
});
