/**
 * The time-bound module on its own: a call that outlives its bound is released and fails with
 * StoreTimeoutError; a client's own timeout anywhere in the cause chain becomes the same error;
 * every other outcome passes through unchanged. A timed-out probe call is neither access nor refusal.
 */
import { describe, expect, it } from "vitest";
import { boundedCalls, isPostgresTimeout, isQdrantTimeout, isRedisTimeout, StoreTimeoutError, withinTimeBound } from "../../components/timeBounds";
import { refusal, success } from "../../components/verification/probeTypes";

const never = () => new Promise<never>(() => undefined);

describe("withinTimeBound", () => {
  it("gives up on a call that never answers, releases the client and names store, call and seconds", async () => {
    let released = 0;
    const error = await withinTimeBound({ store: "Redis", call: "ACL SETUSER tenant-acme", ms: 50 }, never, { release: () => released++ }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(error).toMatchObject({ store: "Redis", call: "ACL SETUSER tenant-acme", seconds: 0.05 });
    expect((error as Error).message).toBe("Redis: gave up on ACL SETUSER tenant-acme after 0.05 s without an answer; check that the server is up and answering");
    expect(released).toBe(1);
  });

  it("aborts the signal it hands to the call", async () => {
    let seen: AbortSignal | undefined;
    await withinTimeBound({ store: "MinIO", call: "LIST tenant-acme", ms: 30 }, (signal) => ((seen = signal), never())).catch(() => undefined);
    expect(seen?.aborted).toBe(true);
  });

  it("returns the answer and releases nothing when the call answers in time", async () => {
    let released = 0;
    expect(await withinTimeBound({ store: "Qdrant", call: "count", ms: 5_000 }, async () => 42, { release: () => released++ })).toBe(42);
    expect(released).toBe(0);
  });

  it("turns the client's own timeout into StoreTimeoutError, also when another error wraps it", async () => {
    const wrapped = new Error("cannot end the sessions of tenant_acme_app: Query read timeout", { cause: new Error("Query read timeout") });
    const error = await withinTimeBound({ store: "PostgreSQL", call: "ending the sessions of tenant_acme_app", ms: 5_000 }, () => Promise.reject(wrapped), {
      isClientTimeout: isPostgresTimeout,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect((error as Error).message).toContain("PostgreSQL: gave up on ending the sessions of tenant_acme_app after 5 s");
    expect((error as Error).cause).toBe(wrapped);
  });

  it("passes every other error through unchanged", async () => {
    const refused = new Error("NOPERM this user has no permissions");
    await expect(withinTimeBound({ store: "Redis", call: "GET x", ms: 5_000 }, () => Promise.reject(refused), { isClientTimeout: isRedisTimeout })).rejects.toBe(refused);
  });

  it("boundedCalls names the purpose after the call", async () => {
    const bounded = boundedCalls("Qdrant", 20, {}, "isolation probe");
    await expect(bounded("count tenant_acme", never)).rejects.toThrow("Qdrant: gave up on count tenant_acme (isolation probe) after 0.02 s");
  });
});

describe("client timeout recognisers", () => {
  it.each([
    [isPostgresTimeout, "timeout expired", true],
    [isPostgresTimeout, "Connection terminated due to connection timeout", true],
    [isPostgresTimeout, "canceling statement due to statement timeout", true],
    [isPostgresTimeout, 'permission denied for database "tenant_globex"', false],
    [isRedisTimeout, "Connection timeout", true],
    [isRedisTimeout, "Socket timeout timeout. Expecting data, but didn't receive any in 300ms.", true],
    [isRedisTimeout, "NOPERM User tenant-acme has no permissions", false],
  ])("%o recognises %j: %s", (recognise, message, expected) => {
    expect(recognise(new Error(message))).toBe(expected);
  });

  it("recognises the Qdrant client's timeout by its name", () => {
    const timeout = Object.assign(new Error("This operation was aborted"), { name: "QdrantClientTimeoutError" });
    expect(isQdrantTimeout(timeout)).toBe(true);
    expect(isQdrantTimeout(new Error("This operation was aborted"))).toBe(false);
  });
});

describe("a timed-out probe call", () => {
  const timedOut = () => Promise.reject(new StoreTimeoutError("MinIO", "LIST tenant-isolation-probe (isolation probe)", 15));

  it("is not a refusal: the probe ends instead of counting the neighbour as denied", async () => {
    await expect(refusal(timedOut)).rejects.toBeInstanceOf(StoreTimeoutError);
  });

  it("is not a failed login either: it ends the probe", async () => {
    await expect(success(timedOut)).rejects.toBeInstanceOf(StoreTimeoutError);
  });

  it("while a real refusal is still evidence", async () => {
    expect(await refusal(() => Promise.reject(new Error("Access Denied.")))).toEqual({ denied: true, evidence: "Access Denied." });
  });
});
