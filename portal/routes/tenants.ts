/**
 * The tenant routes. Reads answer 200; changes start an operation and answer 202 with it (and a
 * Location header to follow it). Every `:id` is checked with the project's tenant-id rule before
 * the caller's reach and before the registry is read.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { listTenantsWithActiveOperation, activeOperationOf, type Operation } from "../../controlplane";
import { principalOf } from "../access";
import { HttpError } from "../errors";
import { tenantIdPathProblem } from "../operations/service";
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorResponses, jsonResponse, TenantIdParams, type ErrorStatus } from "../schemas/common";
import { OperationView } from "../schemas/operations";
import { AuditEventList, ConfigPatchBody, CreateTenantBody, ListTenantsQuery, TenantList, TenantView } from "../schemas/tenants";
import { operationView, tenantView } from "../views";

/** The tenant id of a route, checked (400 naming `params.id`) and within the caller's reach (403). */
function tenantParam(request: FastifyRequest, id: string): string {
  const problem = tenantIdPathProblem(id, "params.id");
  if (problem) throw new HttpError(400, `${problem.path}: ${problem.message}`, { problems: [problem] });
  principalOf(request).assertMayReach(id);
  return id;
}

function accepted(reply: FastifyReply, operation: Operation) {
  return reply.code(202).header("location", `/operations/${operation.operationId}`).send(operationView(operation));
}

const LOCATION = { Location: { type: "string", description: "where to follow the operation: /operations/{operationId}" } };
const acceptedResponse = {
  202: jsonResponse("accepted: the operation runs in the background; follow it at /operations/{operationId}", OperationView, LOCATION),
};

/** What a route that starts an operation on an existing tenant may answer besides 202. */
const OPERATION_ERRORS: readonly ErrorStatus[] = [...BODY_ERRORS, 404, 409, 503, ...AUTHENTICATED_ERRORS];

export const tenantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const security = [{ bearer: [] }];
  const adminOnly = { access: ["admin"] } as const;
  const adminOrOwnTenant = { access: ["admin", "tenant"] } as const;

  app.post(
    "/tenants",
    {
      config: adminOnly,
      schema: {
        summary: "Register a tenant and provision its stack (admin)",
        tags: ["tenants"],
        security,
        body: CreateTenantBody,
        response: { ...acceptedResponse, ...errorResponses(...BODY_ERRORS, 409, 503, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request, reply) => accepted(reply, await app.tenantOperations.create(request.body.id, request.body.config, principalOf(request).actor)),
  );

  app.get(
    "/tenants",
    {
      config: adminOrOwnTenant,
      schema: {
        summary: "List tenants (a tenant token sees only its own)",
        tags: ["tenants"],
        security,
        querystring: ListTenantsQuery,
        response: { 200: jsonResponse("the tenants, oldest first", TenantList), ...errorResponses(400, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const tenantId = principalOf(request).tenantScope;
      const { state } = request.query;
      const listed = await listTenantsWithActiveOperation(app.controlPlane, { ...(state ? { state } : {}), ...(tenantId ? { tenantId } : {}) });
      return { tenants: listed.map(({ tenant, activeOperationId }) => tenantView(tenant, activeOperationId)) };
    },
  );

  app.get(
    "/tenants/:id",
    {
      config: adminOrOwnTenant,
      schema: {
        summary: "One tenant",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { 200: jsonResponse("the tenant", TenantView), ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const id = tenantParam(request, request.params.id);
      const tenant = await app.registry.getTenant(id);
      return tenantView(tenant, (await activeOperationOf(app.controlPlane, id))?.operationId ?? null);
    },
  );

  app.patch(
    "/tenants/:id/config",
    {
      config: adminOrOwnTenant,
      schema: {
        summary: "Change the tenant's config (JSON merge patch) and update its stack",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        body: ConfigPatchBody,
        response: { ...acceptedResponse, ...errorResponses(...OPERATION_ERRORS) },
      },
    },
    async (request, reply) => {
      const id = tenantParam(request, request.params.id);
      return accepted(reply, await app.tenantOperations.updateConfig(id, request.body, principalOf(request).actor));
    },
  );

  app.post(
    "/tenants/:id/rotate",
    {
      config: adminOrOwnTenant,
      schema: {
        summary: "Rotate every credential of the tenant (MinIO, PostgreSQL, Redis, age key) and re-encrypt its secrets file",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { ...acceptedResponse, ...errorResponses(...OPERATION_ERRORS) },
      },
    },
    async (request, reply) => {
      const id = tenantParam(request, request.params.id);
      return accepted(reply, await app.tenantOperations.rotate(id, principalOf(request).actor));
    },
  );

  const simple = [
    ["POST", "/tenants/:id/preview", "preview", "Preview what an update of the tenant's stack would change"],
    ["POST", "/tenants/:id/suspend", "suspend", "Suspend the tenant: disable every credential, keep the data"],
    ["POST", "/tenants/:id/resume", "resume", "Resume a suspended tenant"],
    ["DELETE", "/tenants/:id", "deprovision", "Deprovision the tenant: destroy its stack and remove it"],
  ] as const;
  for (const [method, url, kind, summary] of simple) {
    app.route({
      method,
      url,
      config: adminOrOwnTenant,
      schema: { summary, tags: ["tenants"], security, params: TenantIdParams, response: { ...acceptedResponse, ...errorResponses(...OPERATION_ERRORS) } },
      handler: async (request, reply) => {
        const id = tenantParam(request, request.params.id);
        return accepted(reply, await app.tenantOperations.run(id, kind, principalOf(request).actor));
      },
    });
  }

  app.get(
    "/tenants/:id/events",
    {
      config: adminOrOwnTenant,
      schema: {
        summary: "The tenant's audit events (DESIGN §5), in chain order",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { 200: jsonResponse("the tenant's audit events", AuditEventList), ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const id = tenantParam(request, request.params.id);
      return { events: await app.registry.listEvents(id) };
    },
  );
};
