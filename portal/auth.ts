/**
 * Bearer-token authentication and tenant scoping. Every route needs a token unless its config says
 * `public: true` (health, the OpenAPI document): none, malformed, unknown or revoked → 401. An admin
 * token may do everything; a tenant token only reaches its own tenant (403 elsewhere) and never the
 * admin-only routes.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Queryable } from "../controlplane";
import { HttpError } from "./errors";
import { findActiveToken, type TokenScope } from "./tokens";

/** Who a request speaks for. */
export interface Principal {
  readonly tokenId: string;
  readonly scope: TokenScope;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the authentication hook on every non-public route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No token needed (health check, OpenAPI document). */
    public?: boolean;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The 401 answer; `WWW-Authenticate` tells the client which scheme to use. */
function unauthorized(message: string): HttpError {
  return new HttpError(401, message);
}

/** Registers the authentication hook: it runs before validation, so a request without a token learns nothing else. */
export function registerAuthentication(app: FastifyInstance, db: Queryable): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    if (request.routeOptions.config.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized("no bearer token: send Authorization: Bearer <token> (frostbyte token create)");
    const match = BEARER.exec(header);
    if (!match?.[1]) throw unauthorized("the Authorization header is not a bearer token");
    const token = await findActiveToken(db, match[1]);
    if (token === undefined) throw unauthorized("unknown or revoked token");
    request.principal = { tokenId: token.tokenId, scope: token.scope };
  });
}

function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw unauthorized("no bearer token");
  return request.principal;
}

/** The audit actor for changes a request makes: the token that asked. */
export function actorOf(request: FastifyRequest): string {
  const { tokenId, scope } = principalOf(request);
  return scope.kind === "admin" ? `portal:admin-token:${tokenId}` : `portal:tenant-token:${tokenId}`;
}

/** Throws 403 unless the request has an admin token. */
export function requireAdmin(request: FastifyRequest): void {
  if (principalOf(request).scope.kind !== "admin") throw new HttpError(403, "this needs an admin token");
}

/** Throws 403 unless the request's token may reach `tenantId`. */
export function requireTenantAccess(request: FastifyRequest, tenantId: string): void {
  const { scope } = principalOf(request);
  if (scope.kind === "tenant" && scope.tenantId !== tenantId) {
    throw new HttpError(403, `this token belongs to tenant "${scope.tenantId}" and may not reach tenant "${tenantId}"`);
  }
}

/** The tenant a tenant token is limited to; undefined for an admin token. */
export function tenantScopeOf(request: FastifyRequest): string | undefined {
  const { scope } = principalOf(request);
  return scope.kind === "tenant" ? scope.tenantId : undefined;
}
