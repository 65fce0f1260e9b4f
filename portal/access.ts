/**
 * Who may call a route. Each route declares what it does in its own `config.access`: `"public"`
 * (health, the OpenAPI document, the console's page), or the action of the role × action table
 * (domain/authority.ts) it performs. One `onRequest` hook enforces it before the request is
 * validated (a caller without a token learns nothing else):
 * - a client that has failed to authenticate too often → 429 with Retry-After (authFailures.ts);
 * - no token, a malformed, unknown, revoked or expired one → 401 (and the failure is counted);
 * - a token whose role the table gives no reach for the action → 403.
 * A tenant token reaches only its own tenant where the table says `own`: routes check that with
 * {@link Principal.assertMayReach} once they know the tenant. Every route must declare its access;
 * registering one without it, or with an action the table does not know, fails at start-up.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticateToken, type Queryable, type TokenScope } from "../controlplane";
import { isPortalAction, reachOf, rolesAllowed, type PortalAction, type Reach, type Role } from "../domain";
import { AuthFailureLimiter } from "./authFailures";
import { forbidden, unauthorized } from "./errors";
import { DEFAULT_ACCESS_SETTINGS, type AuthFailureLimit } from "./settings";

export type { Role } from "../domain";

/** Who may call a route: anyone (`public`), or the roles the table allows this action. */
export type Access = "public" | PortalAction;

/** The caller a token speaks for, and the action of the route it called. */
export class Principal {
  constructor(
    readonly tokenId: string,
    readonly scope: TokenScope,
    /** Undefined for a request no route matched (404, 405): any token may learn that. */
    readonly action: PortalAction | undefined,
  ) {}

  get role(): Role {
    return this.scope.kind;
  }

  /** The audit actor for the changes this caller makes: the token that asked. */
  get actor(): string {
    return `portal:${this.scope.kind}-token:${this.tokenId}`;
  }

  /** The one tenant this token belongs to; undefined for a token of no tenant (admin, auditor). */
  get tenantScope(): string | undefined {
    return this.scope.kind === "tenant" ? this.scope.tenantId : undefined;
  }

  /** How far the table lets this caller perform the route's action. */
  get reach(): Reach {
    return this.action === undefined ? "none" : reachOf(this.role, this.action);
  }

  /** The one tenant this request may see or change; undefined when it may reach every tenant. */
  get reachLimit(): string | undefined {
    return this.reach === "every" ? undefined : (this.tenantScope ?? "");
  }

  /** Throws 403 unless this caller may perform the route's action on `tenantId`. */
  assertMayReach(tenantId: string): void {
    const reach = this.reach;
    if (reach === "every") return;
    const own = this.tenantScope;
    if (reach === "own" && own === tenantId) return;
    throw forbidden(own === undefined ? `this token may not reach tenant "${tenantId}"` : `this token belongs to tenant "${own}" and may not reach tenant "${tenantId}"`);
  }
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the route does, for the role × action table, or "public" (see portal/access.ts); required on every route. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller, set by the access hook on every route that is not public. */
    principal: Principal | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** `an admin token`, `an admin or auditor token`, `an admin, auditor or tenant token`. */
function tokenOf(roles: readonly Role[]): string {
  const words = roles.length > 1 ? `${roles.slice(0, -1).join(", ")} or ${roles.at(-1) ?? ""}` : (roles[0] ?? "no");
  return `${/^[aeiou]/.test(words) ? "an" : "a"} ${words} token`;
}

/** The caller of a route that is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error(`${request.method} ${request.url}: no caller; is the route public?`);
  return request.principal;
}

/**
 * Registers the access hook and the limit on failed authentications; call it before any route is
 * registered.
 */
export async function registerAccessControl(app: FastifyInstance, db: Queryable, authFailures: AuthFailureLimit = DEFAULT_ACCESS_SETTINGS.authFailures): Promise<void> {
  const limiter = await AuthFailureLimiter.register(app, authFailures);
  app.decorateRequest("principal", null);
  app.addHook("onRoute", (route) => {
    const access: unknown = route.config?.access;
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no config.access: "public" or the action it performs (domain/authority.ts)`);
    if (access !== "public" && !isPortalAction(access)) {
      throw new Error(`route ${String(route.method)} ${route.url}: config.access ${JSON.stringify(access)} is neither "public" nor an action of domain/authority.ts`);
    }
  });
  app.addHook("onRequest", async (request) => {
    const action = request.routeOptions.config.access;
    if (action === "public") return;
    await limiter.assertNotLocked(request);
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized("no bearer token: send Authorization: Bearer <token> (frostbyte token create)");
    const match = BEARER.exec(header);
    const lookup = match?.[1] ? await authenticateToken(db, match[1]) : undefined;
    if (lookup?.found !== "active") {
      await limiter.recordFailure(request);
      if (lookup === undefined) throw unauthorized("the Authorization header is not a bearer token");
      if (lookup.found === "expired") throw unauthorized(`this token expired at ${lookup.token.expiresAt.toISOString()}; ask an operator for a new one (frostbyte token create)`);
      throw unauthorized("unknown or revoked token");
    }
    const principal = new Principal(lookup.token.tokenId, lookup.token.scope, action);
    if (action !== undefined && principal.reach === "none") throw forbidden(`this needs ${tokenOf(rolesAllowed(action))}`);
    request.principal = principal;
  });
}
