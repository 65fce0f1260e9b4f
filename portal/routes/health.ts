/** `GET /healthz` (public: the control plane answers a query) and `GET /metrics` (admin: Prometheus text). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type pg from "pg";
import { Type } from "typebox";
import { AUTHENTICATED_ERRORS, errorResponses, jsonResponse } from "../schemas/common";

/** How long the health query may take before the control plane counts as unavailable. */
const HEALTH_TIMEOUT_MS = 2_000;

const Health = Type.Object(
  {
    status: Type.Enum(["ok", "unavailable"]),
    controlPlane: Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** Runs a query the portal depends on (the operations table) within the timeout. */
async function checkControlPlane(pool: pg.Pool): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${HEALTH_TIMEOUT_MS} ms`), HEALTH_TIMEOUT_MS)));
  const query = pool.query("SELECT count(*) FROM operations WHERE state IN ('queued', 'running')").then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/healthz",
    {
      config: { access: "public" },
      schema: {
        summary: "Health: the control plane answers",
        tags: ["health"],
        response: {
          200: jsonResponse("the control plane answers", Health),
          503: jsonResponse("the control-plane database did not answer", Health),
          ...errorResponses(500),
        },
      },
    },
    async (request, reply) => {
      const error = await checkControlPlane(app.controlPlane);
      if (error === undefined) return { status: "ok" as const, controlPlane: { ok: true } };
      // The database's own words go to the log only: this route answers without a token.
      request.log.warn({ error }, "health check: the control plane did not answer");
      return reply.code(503).send({ status: "unavailable" as const, controlPlane: { ok: false, error: "the control-plane database did not answer" } });
    },
  );

  app.get(
    "/metrics",
    {
      config: { access: "portal.metrics" },
      schema: {
        summary: "Prometheus metrics (admin)",
        tags: ["health"],
        security: [{ bearer: [] }],
        response: {
          200: { description: "Prometheus text exposition format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } },
          ...errorResponses(...AUTHENTICATED_ERRORS),
        },
      },
    },
    async (_request, reply) => {
      const { contentType, text } = await app.metrics.exposition();
      return reply.type(contentType).send(text);
    },
  );
};
