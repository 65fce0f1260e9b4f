/**
 * The portal's Fastify application: OpenAPI document (`GET /openapi.json`), bearer authentication,
 * one error format, and the routes. Schemas are TypeBox (JSON Schema); the request validator
 * refuses unknown keys instead of dropping them, and reports every problem at once.
 */
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyServerOptions } from "fastify";
import { registerAuthentication } from "./auth";
import type { PortalApp, PortalContext } from "./context";
import { errorAnswer } from "./errors";
import { registerHealthRoutes } from "./routes/health";
import { registerOperationRoutes } from "./routes/operations";
import { registerTenantRoutes } from "./routes/tenants";

/** The OpenAPI document's version of the API. */
export const PORTAL_API_VERSION = "1.0.0";

/** Options of {@link buildPortalApp}. */
export interface PortalAppOptions {
  /** Fastify's logger option (default: no logging). */
  readonly logger?: FastifyServerOptions["logger"];
}

export async function buildPortalApp(context: PortalContext, options: PortalAppOptions = {}): Promise<PortalApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    // No type coercion: a number where a string belongs is an error, not a string (params and query are strings anyway).
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: false, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Frostbyte portal",
        version: PORTAL_API_VERSION,
        description:
          "Self-service API for Frostbyte tenants: one Pulumi stack per tenant, run by the Automation API. Long operations answer 202 with an operation to follow.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a token from `frostbyte token create`" } } },
      tags: [
        { name: "tenants", description: "tenants and their lifecycle" },
        { name: "operations", description: "long-running stack operations" },
        { name: "health", description: "health and metrics" },
      ],
    },
  });

  registerAuthentication(app, context.pool);
  app.setErrorHandler((error, request, reply) => {
    const { body, internal } = errorAnswer(error);
    if (internal) request.log.error({ err: error }, "request failed");
    if (body.statusCode === 401) void reply.header("www-authenticate", 'Bearer realm="frostbyte"');
    return reply.code(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ statusCode: 404, error: "Not Found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );

  registerHealthRoutes(app, context);
  registerTenantRoutes(app, context);
  registerOperationRoutes(app, context);
  app.get("/openapi.json", { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
