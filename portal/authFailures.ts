/**
 * Failed authentications, limited per client with @fastify/rate-limit. Only a failure counts: a
 * bearer value that is malformed, unknown, revoked or expired. A request without any credentials
 * guesses nothing and is not counted; a successful one is never counted. Once an address has
 * failed `maxFailures` times within the window that began with its first failure, every request
 * from it that needs a token is answered 429 with `Retry-After` (the seconds until the window
 * ends), valid token or not, before its token is even looked up: otherwise a guess that hits would
 * still tell itself apart. Other addresses are not affected. A client is its address as the socket
 * shows it (IPv6 by its /64), counted in this process's memory.
 */
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "./errors";
import type { AuthFailureLimit } from "./settings";

/** The key a client's failures are counted under: its normalised address, an IPv6 address by its /64. */
export function authFailureKey(request: Pick<FastifyRequest, "ip">): string {
  return normalizeIP(request.ip);
}

type Limiter = ReturnType<FastifyInstance["createRateLimit"]>;

export class AuthFailureLimiter {
  constructor(
    private readonly limiter: Limiter,
    private readonly limit: AuthFailureLimit,
  ) {}

  /** Registers the plugin on `app` (no limit on any route by itself) and makes the limiter. */
  static async register(app: FastifyInstance, limit: AuthFailureLimit): Promise<AuthFailureLimiter> {
    await app.register(rateLimit, { global: false });
    const limiter = app.createRateLimit({ max: limit.maxFailures, timeWindow: limit.windowSeconds * 1000, keyGenerator: authFailureKey });
    return new AuthFailureLimiter(limiter, limit);
  }

  /** Throws 429 with Retry-After when the request's client has used up its failed authentications. */
  async assertNotLocked(request: FastifyRequest): Promise<void> {
    const status = await this.limiter(request, { increment: false });
    if (status.isAllowed || status.remaining > 0) return;
    const retryAfter = Math.max(1, status.ttlInSeconds);
    throw new HttpError(
      429,
      `too many failed authentications from this address (${this.limit.maxFailures} within ${this.limit.windowSeconds} s); retry in ${retryAfter} s`,
      { headers: { "retry-after": String(retryAfter) } },
    );
  }

  /** Counts one failed authentication of the request's client. */
  async recordFailure(request: FastifyRequest): Promise<void> {
    await this.limiter(request);
  }
}
