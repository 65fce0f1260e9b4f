/**
 * Which control-plane errors are retried (a server that did not answer, a broken connection, a
 * statement ended by a time bound) and which are final (the database's own refusals), and how long
 * retryControlPlane keeps trying: until the work succeeds, its error is final, `until` passes, or its
 * signal is aborted.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ControlPlaneTimeoutError, isTransientControlPlaneError, retryControlPlane, TenantNotFoundError } from "../../controlplane";
import { REFUSED_PATIENCE_MS } from "../../controlplane/retry";

function databaseError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError("server says no", 0, "error");
  error.code = code;
  return error;
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
}

describe("isTransientControlPlaneError", () => {
  it.each([
    ["node-postgres's query_timeout", new Error("Query read timeout")],
    ["a connection that broke", new Error("Connection terminated unexpectedly")],
    ["a connect timeout", new Error("Connection terminated due to connection timeout")],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["a broken pooled client", new Error("Client has encountered a connection error and is not queryable")],
    ["the explained connect timeout", new ControlPlaneTimeoutError(10, "frostbyte:controlPlaneDbUrl")],
    ["a refused connection", socketError("ECONNREFUSED")],
    ["a reset connection", socketError("ECONNRESET")],
    ["both addresses of localhost refused", new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")])],
    ["statement_timeout", databaseError("57014")],
    ["lock_timeout", databaseError("55P03")],
    ["a deadlock", databaseError("40P01")],
    ["a serialization failure", databaseError("40001")],
    ["a server shutting down", databaseError("57P01")],
    ["a server starting up", databaseError("57P03")],
    ["a connection exception", databaseError("08006")],
    ["a cause that is transient", new Error("could not record", { cause: new Error("Query read timeout") })],
  ])("retries %s", (_what, error) => {
    expect(isTransientControlPlaneError(error)).toBe(true);
  });

  it.each([
    ["a lifecycle trigger's refusal", databaseError("P0001")],
    ["a constraint", databaseError("23505")],
    ["a check violation", databaseError("23514")],
    ["a missing tenant", new TenantNotFoundError("acme")],
    ["a programming error", new TypeError("x is not a function")],
    ["a refusal whose cause was a timeout", Object.assign(databaseError("P0001"), { cause: new Error("Query read timeout") })],
    ["a mixed aggregate", new AggregateError([socketError("ECONNREFUSED"), new Error("boom")])],
    ["a string", "Query read timeout"],
  ])("never retries %s", (_what, error) => {
    expect(isTransientControlPlaneError(error)).toBe(false);
  });
});

describe("retryControlPlane", () => {
  it("retries transient failures with the attempt number until the work succeeds", async () => {
    const attempts: number[] = [];
    const retried: number[] = [];
    const result = await retryControlPlane(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error("Query read timeout");
        return "written";
      },
      { onRetry: (_error, attempt) => retried.push(attempt) },
    );
    expect(result).toBe("written");
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
  });

  it("stops at once on an error that is not transient", async () => {
    let attempts = 0;
    const refusal = databaseError("23514");
    await expect(
      retryControlPlane(async () => {
        attempts += 1;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(attempts).toBe(1);
  });

  it("starts no attempt after `until` and throws the last error", async () => {
    let attempts = 0;
    const started = Date.now();
    const error = await retryControlPlane(
      async () => {
        attempts += 1;
        throw new Error("Query read timeout");
      },
      { until: started + 1_200 },
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe("Query read timeout");
    // 0 ms, 500 ms, 1000 ms (the last wait shortened to the bound), then the bound has passed.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("gives up on connections refused for longer than a restart takes, but not on a server that comes back", async () => {
    let attempts = 0;
    const started = Date.now();
    await expect(
      retryControlPlane(async () => {
        attempts += 1;
        throw new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")], "connect failed");
      }),
    ).rejects.toThrow("connect failed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(REFUSED_PATIENCE_MS);
    expect(Date.now() - started).toBeLessThan(REFUSED_PATIENCE_MS + 6_000);
    expect(attempts).toBeGreaterThan(3);

    // Refused, then answering but slow (paused), then refused again: the refusals do not add up.
    const errors = [socketError("ECONNREFUSED"), new Error("Query read timeout"), socketError("ECONNREFUSED")];
    expect(await retryControlPlane(async (attempt) => {
      const error = errors[attempt - 1];
      if (error) throw error;
      return attempt;
    })).toBe(4);
  }, 30_000);

  it("stops waiting when its signal is aborted", async () => {
    const controller = new AbortController();
    let attempts = 0;
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(
      retryControlPlane(
        async () => {
          attempts += 1;
          throw socketError("ECONNREFUSED");
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow("ECONNREFUSED");
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
