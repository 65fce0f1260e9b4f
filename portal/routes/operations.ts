/**
 * The operation routes: one operation, and its progress as server-sent events. An open stream looks
 * its token up again every `streamTokenCheckSeconds` and ends when the token is revoked or expires.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { getOperation, type Operation } from "../../controlplane";
import { principalOf } from "../access";
import { notFound } from "../errors";
import { DEFAULT_ACCESS_SETTINGS } from "../settings";
import { AUTHENTICATED_ERRORS, errorResponses, jsonResponse, OperationIdParams } from "../schemas/common";
import { OperationView, StreamEvent } from "../schemas/operations";
import { streamOperation } from "../sse";
import { operationView } from "../views";

/** The operation (404 when unknown), if the caller may reach its tenant (403 otherwise). */
async function visibleOperation(app: FastifyInstance, request: FastifyRequest, id: string): Promise<Operation> {
  const operation = await getOperation(app.controlPlane, id);
  if (operation === undefined) throw notFound(`operation ${id} does not exist`);
  principalOf(request).assertMayReach(operation.tenantId);
  return operation;
}

/** Options of {@link operationRoutes}. */
export interface OperationRoutesOptions {
  /** How often an open stream checks its token (default {@link DEFAULT_ACCESS_SETTINGS}). */
  readonly streamTokenCheckSeconds?: number;
}

export const operationRoutes: FastifyPluginAsyncTypebox<OperationRoutesOptions> = async (app, options) => {
  const security = [{ bearer: [] }];
  const config = { access: "tenant.operations" } as const;
  const checkEveryMs = (options.streamTokenCheckSeconds ?? DEFAULT_ACCESS_SETTINGS.streamTokenCheckSeconds) * 1000;

  app.get(
    "/operations/:id",
    {
      config,
      schema: {
        summary: "One operation",
        tags: ["operations"],
        security,
        params: OperationIdParams,
        response: { 200: jsonResponse("the operation", OperationView), ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => operationView(await visibleOperation(app, request, request.params.id)),
  );

  app.get(
    "/operations/:id/stream",
    {
      config,
      schema: {
        summary: "The operation's progress as server-sent events",
        description:
          "`progress` events (id: sequence number; data: one progress event, see ProgressEvent) as they happen, then one `end` event whose data is the finished operation; then the stream closes. Send Last-Event-ID to resume. " +
          "The stream checks its token every few seconds: when the token is revoked (its tenant's deprovisioning revokes it too) or expires, one `closed` event says why and the stream closes.",
        tags: ["operations"],
        security,
        params: OperationIdParams,
        response: {
          200: { description: "the event stream; it closes after the `end` event", content: { "text/event-stream": { schema: StreamEvent } } },
          ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const operation = await visibleOperation(app, request, request.params.id);
      await streamOperation(request, reply, operation, app.progressFeed, app.controlPlane, { tokenId: principalOf(request).tokenId, checkEveryMs });
    },
  );
};
