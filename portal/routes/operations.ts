/** The operation routes: one operation, and its progress as server-sent events. */
import type { FastifyRequest } from "fastify";
import { requireTenantAccess } from "../auth";
import type { PortalApp, PortalContext } from "../context";
import { HttpError } from "../errors";
import { getOperation, type Operation } from "../operations/store";
import { errorResponses, OperationIdParams } from "../schemas/common";
import { OperationView, ProgressEvent } from "../schemas/operations";
import { streamOperation } from "../sse";
import { operationView } from "../views";

/** The operation (404 when unknown), if the token may see its tenant (403 otherwise). */
async function visibleOperation(request: FastifyRequest, context: PortalContext, id: string): Promise<Operation> {
  const operation = await getOperation(context.pool, id);
  if (operation === undefined) throw new HttpError(404, `operation ${id} does not exist`);
  requireTenantAccess(request, operation.tenantId);
  return operation;
}

export function registerOperationRoutes(app: PortalApp, context: PortalContext): void {
  const security = [{ bearer: [] }];

  app.get(
    "/operations/:id",
    {
      schema: { summary: "One operation", tags: ["operations"], security, params: OperationIdParams, response: { 200: OperationView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => operationView(await visibleOperation(request, context, request.params.id)),
  );

  app.get(
    "/operations/:id/stream",
    {
      schema: {
        summary: "The operation's progress as server-sent events",
        description:
          "`progress` events (id: sequence number; data: one progress event, see ProgressEvent) as they happen, then one `end` event whose data is the finished operation; then the stream closes. Send Last-Event-ID to resume.",
        tags: ["operations"],
        security,
        params: OperationIdParams,
        produces: ["text/event-stream"],
        response: {
          200: { description: "an event stream", content: { "text/event-stream": { schema: { ...ProgressEvent, description: "data of each `progress` event" } } } },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const operation = await visibleOperation(request, context, request.params.id);
      await streamOperation(request, reply, operation, context.hub, context.pool);
    },
  );
}
