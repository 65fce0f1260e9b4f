/**
 * The portal's Fastify application: the services attached with `decorate`, the access hook, one
 * error handler, the route plugins, and the OpenAPI document (`GET /openapi.json`). Schemas are
 * TypeBox (JSON Schema); the request validator refuses unknown keys instead of dropping them and
 * reports every problem at once.
 */
import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyServerOptions } from "fastify";
import { registerAccessControl } from "./access";
import { errorAnswer } from "./errors";
import { consolePlugin } from "./console";
import { RouteMethods } from "./routeMethods";
import { healthRoutes } from "./routes/health";
import { operationRoutes } from "./routes/operations";
import { tenantRoutes } from "./routes/tenants";
import { documentedRuleKeyword, documentRouteSchema } from "./schemas/documented";
import { decorateServices, type PortalApp, type PortalContext } from "./services";
import { DEFAULT_ACCESS_SETTINGS, type AccessSettings } from "./settings";

/** The OpenAPI document's version of the API. */
export const PORTAL_API_VERSION = "1.0.0";

/** Options of {@link buildPortalApp}. */
export interface PortalAppOptions {
  /** Fastify's logger option (default: no logging). */
  readonly logger?: FastifyServerOptions["logger"];
  /** Failed-authentication limit and the event stream's token check (default {@link DEFAULT_ACCESS_SETTINGS}). */
  readonly access?: AccessSettings;
}

const OPENAPI: FastifyDynamicSwaggerOptions["openapi"] = {
  openapi: "3.1.0",
  info: {
    title: "Frostbyte portal",
    version: PORTAL_API_VERSION,
    description:
      "Self-service API for Frostbyte tenants: one Pulumi stack per tenant, run by the Automation API. Long operations answer 202 with an operation to follow. " +
      "A method a path does not list is answered 405 with Allow.",
  },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a token from `frostbyte token create`" } } },
  tags: [
    { name: "tenants", description: "tenants and their lifecycle" },
    { name: "operations", description: "long-running stack operations" },
    { name: "health", description: "health and metrics" },
  ],
};

export async function buildPortalApp(context: PortalContext, options: PortalAppOptions = {}): Promise<PortalApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    // No type coercion: a number where a string belongs is an error, not a string (params and query are strings anyway).
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: false, useDefaults: true }, plugins: [documentedRuleKeyword] },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, { openapi: OPENAPI, transform: documentRouteSchema });
  decorateServices(app, context);
  const access = options.access ?? DEFAULT_ACCESS_SETTINGS;
  await registerAccessControl(app, context.pool, access.authFailures);
  const methods = new RouteMethods();
  methods.watch(app);

  app.setErrorHandler((error, request, reply) => {
    const { body, headers, internal } = errorAnswer(error);
    if (internal) request.log.error({ err: error }, "request failed");
    return reply.code(body.statusCode).headers(headers).send(body);
  });
  // Answered before the body is parsed, so a method that carries one (QUERY) gets its 405 too.
  app.addHook("onRequest", async (request) => {
    if (request.is404) throw methods.unrouted(request);
  });
  app.setNotFoundHandler(async (request) => {
    throw methods.unrouted(request);
  });

  await app.register(healthRoutes);
  await app.register(tenantRoutes);
  await app.register(operationRoutes, { streamTokenCheckSeconds: access.streamTokenCheckSeconds });
  await app.register(consolePlugin);
  app.get("/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
