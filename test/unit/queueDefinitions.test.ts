/** The queues' pg-boss options follow the worker settings and the operation time bounds (pure). */
import { describe, expect, it } from "vitest";
import { OPERATIONS_QUEUE, queueDefinitions, queueUpdate } from "../../controlplane";
import { DEFAULT_WORKER_SETTINGS, workerSettings } from "../../domain";

describe("queue definitions", () => {
  it("one active job per tenant, a heartbeat, takeovers as retries, expiry past the deadline", () => {
    const [operations] = queueDefinitions({ ...DEFAULT_WORKER_SETTINGS, heartbeatSeconds: 45, takeovers: 3 }, { deadlineSeconds: 600, cancelGraceSeconds: 20 });
    expect(operations).toMatchObject({ name: OPERATIONS_QUEUE, policy: "singleton", heartbeatSeconds: 45, retryLimit: 4, retryDelay: 0, expireInSeconds: 920 });
  });

  it("caps the expiry at pg-boss's 24 hours, and an update leaves name and policy alone", () => {
    const [operations] = queueDefinitions(DEFAULT_WORKER_SETTINGS, { deadlineSeconds: 7 * 24 * 3600, cancelGraceSeconds: 30 });
    expect(operations?.expireInSeconds).toBe(24 * 3600);
    expect(queueUpdate(operations!)).not.toHaveProperty("policy");
    expect(queueUpdate(operations!)).not.toHaveProperty("name");
  });

  it("worker settings: defaults, and each bad value named with what is allowed", () => {
    expect(workerSettings({})).toEqual(DEFAULT_WORKER_SETTINGS);
    expect(workerSettings({ FROSTBYTE_WORKER_CONCURRENCY: "8", FROSTBYTE_WORKER_TAKEOVERS: "0" })).toMatchObject({ concurrency: 8, takeovers: 0 });
    expect(workerSettings({ FROSTBYTE_WORKER_HEARTBEAT_SECONDS: "9" })).toEqual({ problem: 'FROSTBYTE_WORKER_HEARTBEAT_SECONDS is "9"; expected a whole number from 10 to 3600 (default 30)' });
    expect(workerSettings({ FROSTBYTE_WORKER_SUPERVISE_SECONDS: "1.5" })).toEqual({ problem: 'FROSTBYTE_WORKER_SUPERVISE_SECONDS is "1.5"; expected a whole number from 1 to 3600 (default 10)' });
    expect(workerSettings({ FROSTBYTE_WORKER_TAKEOVERS: "11" })).toMatchObject({ problem: expect.stringMatching(/^FROSTBYTE_WORKER_TAKEOVERS is "11"/) });
  });
});
