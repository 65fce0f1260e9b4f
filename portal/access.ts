/**
 * Who may call a route, declared in the route's own `config.access` and enforced by one `onRequest`
 * hook, before the request is validated (a caller without a token learns nothing else):
 * - `"public"`: no token (health, the OpenAPI document);
 * - a list of roles: a bearer token of one of them; none, malformed, unknown or revoked → 401, a
 *   token of another role → 403.
 * A token's role is its kind (admin, tenant). A tenant token reaches only its own tenant: routes
 * check that with {@link Principal.assertMayReach} once they know the tenant.
 * Every route must declare its access; registering one without it fails at start-up.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { findActiveToken, type Queryable, type TokenKind, type TokenScope } from "../controlplane";
import { forbidden, unauthorized } from "./errors";

/** A role a route may grant access to: the kind of the caller's token. */
export type Role = TokenKind;

/** Who may call a route: anyone (`public`), or a token of one of the roles. */
export type Access = "public" | readonly Role[];

/** The caller a token speaks for. */
export class Principal {
  constructor(
    readonly tokenId: string,
    readonly scope: TokenScope,
  ) {}

  get role(): Role {
    return this.scope.kind;
  }

  /** The audit actor for the changes this caller makes: the token that asked. */
  get actor(): string {
    return `portal:${this.scope.kind}-token:${this.tokenId}`;
  }

  /** The one tenant this caller is limited to; undefined when it may reach every tenant. */
  get tenantScope(): string | undefined {
    return this.scope.kind === "tenant" ? this.scope.tenantId : undefined;
  }

  /** Throws 403 unless this caller may reach `tenantId`. */
  assertMayReach(tenantId: string): void {
    const own = this.tenantScope;
    if (own !== undefined && own !== tenantId) throw forbidden(`this token belongs to tenant "${own}" and may not reach tenant "${tenantId}"`);
  }
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route (see portal/access.ts); required on every route. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller, set by the access hook on every route that is not public. */
    principal: Principal | null;
  }
}

/** Requests no route matched (404, 405) need a token of any role, as every non-public route does. */
const ANY_ROLE: readonly Role[] = ["admin", "tenant"];

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** `an admin token`, `an admin or auditor token`. */
function tokenOf(roles: readonly Role[]): string {
  const words = roles.join(" or ");
  return `${/^[aeiou]/.test(words) ? "an" : "a"} ${words} token`;
}

/** The caller of a route that is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error(`${request.method} ${request.url}: no caller; is the route public?`);
  return request.principal;
}

/** Registers the access hook; call it before any route is registered. */
export function registerAccessControl(app: FastifyInstance, db: Queryable): void {
  app.decorateRequest("principal", null);
  app.addHook("onRoute", (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no config.access: "public" or the roles that may call it`);
    }
  });
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config.access ?? ANY_ROLE;
    if (access === "public") return;
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized("no bearer token: send Authorization: Bearer <token> (frostbyte token create)");
    const match = BEARER.exec(header);
    if (!match?.[1]) throw unauthorized("the Authorization header is not a bearer token");
    const token = await findActiveToken(db, match[1]);
    if (token === undefined) throw unauthorized("unknown or revoked token");
    const principal = new Principal(token.tokenId, token.scope);
    if (!access.includes(principal.role)) throw forbidden(`this needs ${tokenOf(access)}`);
    request.principal = principal;
  });
}
