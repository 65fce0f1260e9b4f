/** What the routes work with, and the Fastify instance type they are registered on. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type pg from "pg";
import type { TenantRegistry } from "../controlplane";
import type { PortalMetrics } from "./metrics";
import type { ProgressHub } from "./operations/progressHub";
import type { TenantOperations } from "./operations/service";

/** The portal's Fastify instance, typed from the routes' TypeBox schemas. */
export type PortalApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The services behind the routes. */
export interface PortalContext {
  readonly pool: pg.Pool;
  readonly registry: TenantRegistry;
  readonly operations: TenantOperations;
  readonly hub: ProgressHub;
  readonly metrics: PortalMetrics;
}
