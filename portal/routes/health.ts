/** `GET /healthz` (public: the control plane answers a query) and `GET /metrics` (admin: Prometheus text). */
import { Type } from "typebox";
import { requireAdmin } from "../auth";
import type { PortalApp, PortalContext } from "../context";
import { errorResponses } from "../schemas/common";

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
async function checkControlPlane(context: PortalContext): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${HEALTH_TIMEOUT_MS} ms`), HEALTH_TIMEOUT_MS)));
  const query = context.pool.query("SELECT count(*) FROM operations WHERE state IN ('queued', 'running')").then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: PortalApp, context: PortalContext): void {
  app.get(
    "/healthz",
    { config: { public: true }, schema: { summary: "Health: the control plane answers", tags: ["health"], response: { 200: Health, 503: Health } } },
    async (request, reply) => {
      const error = await checkControlPlane(context);
      if (error === undefined) return { status: "ok" as const, controlPlane: { ok: true } };
      // The database's own words go to the log only: this route answers without a token.
      request.log.warn({ error }, "health check: the control plane did not answer");
      return reply.code(503).send({ status: "unavailable" as const, controlPlane: { ok: false, error: "the control-plane database did not answer" } });
    },
  );

  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics (admin)",
        tags: ["health"],
        security: [{ bearer: [] }],
        produces: ["text/plain"],
        response: { 200: { description: "Prometheus text exposition format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } }, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const { contentType, text } = await context.metrics.exposition();
      return reply.type(contentType).send(text);
    },
  );
}
