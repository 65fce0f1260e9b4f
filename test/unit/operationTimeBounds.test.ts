/** The operation time bounds read from the environment (domain/config/operationTimeBounds.ts) and what the engine is given. */
import { describe, expect, it } from "vitest";
import { DEFAULT_OPERATION_CANCEL_GRACE_SECONDS, DEFAULT_OPERATION_DEADLINE_SECONDS, operationTimeBounds, writeBackRetrySeconds } from "../../domain";
import { OperationDeadline, pulumiEnv, StackSettingsError, stackSettingsFromEnv } from "../../stacks";

describe("operation time bounds", () => {
  it("default to half an hour per operation and 30 s for a cancelled engine to stop", () => {
    expect(DEFAULT_OPERATION_DEADLINE_SECONDS).toBe(1800);
    expect(DEFAULT_OPERATION_CANCEL_GRACE_SECONDS).toBe(30);
    expect(operationTimeBounds({})).toEqual({ deadlineSeconds: 1800, cancelGraceSeconds: 30 });
    expect(operationTimeBounds({ FROSTBYTE_OPERATION_DEADLINE_SECONDS: " ", FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: "" })).toEqual({ deadlineSeconds: 1800, cancelGraceSeconds: 30 });
  });

  it("are read in whole seconds", () => {
    expect(operationTimeBounds({ FROSTBYTE_OPERATION_DEADLINE_SECONDS: "600", FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: "5" })).toEqual({ deadlineSeconds: 600, cancelGraceSeconds: 5 });
  });

  it.each(["0", "-5", "1.5", "ten", "604801"])("refuse %j, naming the variable and what is allowed", (raw) => {
    expect(operationTimeBounds({ FROSTBYTE_OPERATION_DEADLINE_SECONDS: raw })).toEqual({
      problem: `FROSTBYTE_OPERATION_DEADLINE_SECONDS is ${JSON.stringify(raw)}; expected whole seconds from 1 to 604800 (default 1800)`,
    });
    expect(() => stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS: raw })).toThrow(StackSettingsError);
  });

  it("reach the engine's processes as the write-back's retry time, which is off without it", () => {
    const settings = stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", FROSTBYTE_OPERATION_DEADLINE_SECONDS: "900" });
    expect(settings.timeBounds).toEqual({ deadlineSeconds: 900, cancelGraceSeconds: 30 });
    const env = pulumiEnv(settings);
    expect(env["FROSTBYTE_WRITE_BACK_RETRY_SECONDS"]).toBe("900");
    expect(writeBackRetrySeconds(env)).toBe(900);
    expect(writeBackRetrySeconds({})).toBe(0);
    expect(writeBackRetrySeconds({ FROSTBYTE_WRITE_BACK_RETRY_SECONDS: "soon" })).toBe(0);
  });
});

describe("OperationDeadline", () => {
  it("counts down from its start and names what it passed during", () => {
    const deadline = new OperationDeadline(10, 1_000_000);
    expect(deadline.expiresAt).toBe(1_010_000);
    expect(deadline.remainingMs(1_004_000)).toBe(6_000);
    expect(deadline.remainingMs(1_020_000)).toBe(0);
    expect(deadline.error("the up of stack \"tenant-acme\"").message).toBe('deadline of 10 s passed during the up of stack "tenant-acme"');
    expect(new OperationDeadline(10, Date.now() - 11_000).expired).toBe(true);
    expect(() => new OperationDeadline(10, Date.now() - 11_000).assertBefore("reading the tenant")).toThrow("deadline of 10 s passed during reading the tenant");
    expect(() => new OperationDeadline(10).assertBefore("reading the tenant")).not.toThrow();
  });
});
