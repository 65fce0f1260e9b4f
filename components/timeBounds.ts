/**
 * How long the stack's own calls to a store may wait for an answer: the isolation probes, the admin
 * calls of the dynamic providers and the tenant-server preparation. A store that accepts the
 * connection and then stops answering (hung, stopped, cut off half-way) would otherwise hold a
 * deployment without limit. Each client's own mechanism ends the wait where it has one (see the
 * option helpers below); a race with AbortSignal.timeout that releases the client covers the rest
 * and gives every bounded call the same error, {@link StoreTimeoutError}.
 */

/** A store, as the errors name it. */
export type StoreName = "PostgreSQL" | "Redis" | "MinIO" | "Qdrant";

/** One request of an isolation probe (a connect, a query, a command, an HTTP request). */
export const PROBE_CALL_TIMEOUT_MS = 15_000;
/** One admin call of a dynamic provider or of the tenant-server preparation (one batch when emptying a bucket). */
export const ADMIN_CALL_TIMEOUT_MS = 30_000;
/** Opening a PostgreSQL or Redis connection, within either bound above: a server that is down is told apart sooner. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** A call that got no answer within its bound. Names the store, the call and the seconds; never an address or a secret. */
export class StoreTimeoutError extends Error {
  constructor(
    readonly store: StoreName,
    readonly call: string,
    readonly seconds: number,
    options?: { cause?: unknown },
  ) {
    super(`${store}: gave up on ${call} after ${seconds} s without an answer; check that the server is up and answering`, options);
    this.name = "StoreTimeoutError";
  }
}

/** What is bounded: the store and the call (as the error names them) and the bound in milliseconds. */
export interface TimeBound {
  readonly store: StoreName;
  readonly call: string;
  readonly ms: number;
}

/** How a client takes part in a bound. */
export interface ClientBounds {
  /** Closes or destroys the client when the bound runs out, so no socket or request outlives the call. */
  readonly release?: () => void;
  /** Whether an error is the client's own timeout (checked along the cause chain too). */
  readonly isClientTimeout?: (error: unknown) => boolean;
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; current = (current as { cause?: unknown } | null)?.cause) chain.push(current);
  return chain;
}

/**
 * Runs `work` and gives up after `bound.ms`: releases the client and rejects with a
 * StoreTimeoutError. A rejection that is the client's own timeout becomes the same error.
 * `work` receives the bound's signal, for a client that takes one.
 */
export async function withinTimeBound<T>(bound: TimeBound, work: (signal: AbortSignal) => Promise<T>, client: ClientBounds = {}): Promise<T> {
  const signal = AbortSignal.timeout(bound.ms);
  const timedOut = (cause?: unknown) => new StoreTimeoutError(bound.store, bound.call, bound.ms / 1000, cause === undefined ? undefined : { cause });
  let onAbort: () => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => {
      client.release?.();
      reject(timedOut());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work(signal), expired]);
  } catch (error) {
    if (error instanceof StoreTimeoutError || !client.isClientTimeout || !causeChain(error).some(client.isClientTimeout)) throw error;
    client.release?.();
    throw timedOut(error);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Bounds every call of one client on `store` to `ms`; `purpose` (e.g. "isolation probe") follows
 * each call's name in the error: `const bounded = boundedCalls("Redis", ms, { release }, "isolation probe")`.
 */
export function boundedCalls(store: StoreName, ms: number, client: ClientBounds = {}, purpose?: string) {
  return <T>(call: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    withinTimeBound({ store, call: purpose === undefined ? call : `${call} (${purpose})`, ms }, work, client);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : "");

/** node-postgres settings that bound a client's waits: the connect, each query on the client (query_timeout) and on the server. */
export function postgresClientBounds(ms: number) {
  return { connectionTimeoutMillis: Math.min(ms, CONNECT_TIMEOUT_MS), query_timeout: ms, statement_timeout: ms } as const;
}

/** node-postgres's connect timeout and query_timeout, and the server's statement and lock timeouts. */
export function isPostgresTimeout(error: unknown): boolean {
  return /^(timeout expired|Connection terminated due to connection timeout|Query read timeout|canceling statement due to (statement|lock) timeout)$/.test(messageOf(error));
}

/** node-redis socket settings that bound a client's waits: the connect, and any silence while it expects an answer. */
export function redisSocketBounds(ms: number) {
  return { connectTimeout: Math.min(ms, CONNECT_TIMEOUT_MS), socketTimeout: ms } as const;
}

/** node-redis's connect timeout and socket timeout. */
export function isRedisTimeout(error: unknown): boolean {
  return /^(Connection timeout|Socket timeout timeout\.)/.test(messageOf(error));
}

/** The Qdrant client's own per-request `timeout`. */
export function isQdrantTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === "QdrantClientTimeoutError";
}
