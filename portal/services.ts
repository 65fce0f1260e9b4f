/**
 * The services the routes work with, attached to the Fastify instance once with `decorate` and
 * reached as `app.<service>` in every route plugin.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type pg from "pg";
import type { TenantRegistry } from "../controlplane";
import type { PortalMetrics } from "./metrics";
import type { TenantOperations } from "./operations/service";
import type { ProgressFeed } from "./progressFeed";

/** The portal's Fastify instance, typed from the routes' TypeBox schemas. */
export type PortalApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The services behind the routes. */
export interface PortalContext {
  /** The control plane, as a member of frostbyte_runtime. */
  readonly pool: pg.Pool;
  readonly registry: TenantRegistry;
  readonly operations: TenantOperations;
  readonly feed: ProgressFeed;
  readonly metrics: PortalMetrics;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The control-plane pool (tokens, operations, the health check). */
    controlPlane: pg.Pool;
    /** The tenant registry (DESIGN §3–§5). */
    registry: TenantRegistry;
    /** Accepts operations on tenants and enqueues them for the workers. */
    tenantOperations: TenantOperations;
    /** Says when a followed operation has news, whichever worker runs it. */
    progressFeed: ProgressFeed;
    metrics: PortalMetrics;
  }
}

/** Attaches the services to the root instance, so every route plugin sees them. */
export function decorateServices(app: FastifyInstance, context: PortalContext): void {
  app.decorate("controlPlane", context.pool);
  app.decorate("registry", context.registry);
  app.decorate("tenantOperations", context.operations);
  app.decorate("progressFeed", context.feed);
  app.decorate("metrics", context.metrics);
}
