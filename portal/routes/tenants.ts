/**
 * The tenant routes. Reads answer 200; changes start an operation and answer 202 with it (and a
 * Location header to follow it). Every `:id` is checked with the project's tenant-id rule before
 * the token's scope and before the registry is read.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { actorOf, requireAdmin, requireTenantAccess, tenantScopeOf } from "../auth";
import type { PortalApp, PortalContext } from "../context";
import { HttpError } from "../errors";
import { tenantIdPathProblem } from "../operations/service";
import { activeOperationOf, type Operation } from "../operations/store";
import { errorResponses, TenantIdParams } from "../schemas/common";
import { OperationView } from "../schemas/operations";
import { AuditEventList, ConfigPatchBody, CreateTenantBody, ListTenantsQuery, TenantList, TenantView } from "../schemas/tenants";
import { operationView, tenantView } from "../views";

/** The tenant id of a route, checked (400 naming `params.id`) and within the token's scope (403). */
function tenantParam(request: FastifyRequest, id: string): string {
  const problem = tenantIdPathProblem(id, "params.id");
  if (problem) throw new HttpError(400, `${problem.path}: ${problem.message}`, [problem]);
  requireTenantAccess(request, id);
  return id;
}

function accepted(reply: FastifyReply, operation: Operation) {
  return reply.code(202).header("location", `/operations/${operation.operationId}`).send(operationView(operation));
}

const acceptedResponse = { 202: { ...OperationView, description: "accepted: the operation runs in the background; follow it at /operations/{operationId}" } };

export function registerTenantRoutes(app: PortalApp, context: PortalContext): void {
  const { registry, operations, pool } = context;
  const security = [{ bearer: [] }];

  app.post(
    "/tenants",
    {
      schema: {
        summary: "Register a tenant and provision its stack (admin)",
        tags: ["tenants"],
        security,
        body: CreateTenantBody,
        response: { ...acceptedResponse, ...errorResponses(400, 401, 403, 409, 503) },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      return accepted(reply, await operations.create(request.body.id, request.body.config, actorOf(request)));
    },
  );

  app.get(
    "/tenants",
    {
      schema: {
        summary: "List tenants (a tenant token sees only its own)",
        tags: ["tenants"],
        security,
        querystring: ListTenantsQuery,
        response: { 200: TenantList, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const scope = tenantScopeOf(request);
      const tenants = (await registry.listTenants(request.query.state ? { state: request.query.state } : {})).filter(
        (tenant) => scope === undefined || tenant.tenantId === scope,
      );
      const active = await Promise.all(tenants.map((tenant) => activeOperationOf(pool, tenant.tenantId)));
      return { tenants: tenants.map((tenant, i) => tenantView(tenant, active[i]?.operationId ?? null)) };
    },
  );

  app.get(
    "/tenants/:id",
    {
      schema: { summary: "One tenant", tags: ["tenants"], security, params: TenantIdParams, response: { 200: TenantView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const id = tenantParam(request, request.params.id);
      const tenant = await registry.getTenant(id);
      return tenantView(tenant, (await activeOperationOf(pool, id))?.operationId ?? null);
    },
  );

  app.patch(
    "/tenants/:id/config",
    {
      schema: {
        summary: "Change the tenant's config (JSON merge patch) and update its stack",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        body: ConfigPatchBody,
        response: { ...acceptedResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const id = tenantParam(request, request.params.id);
      return accepted(reply, await operations.updateConfig(id, request.body, actorOf(request)));
    },
  );

  app.post(
    "/tenants/:id/rotate",
    {
      schema: {
        summary: "Rotate every credential of the tenant (MinIO, PostgreSQL, Redis, age key) and re-encrypt its secrets file",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { ...acceptedResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const id = tenantParam(request, request.params.id);
      return accepted(reply, await operations.rotate(id, actorOf(request)));
    },
  );

  const simple = [
    ["post", "/tenants/:id/preview", "preview", "Preview what an update of the tenant's stack would change"],
    ["post", "/tenants/:id/suspend", "suspend", "Suspend the tenant: disable every credential, keep the data"],
    ["post", "/tenants/:id/resume", "resume", "Resume a suspended tenant"],
    ["delete", "/tenants/:id", "deprovision", "Deprovision the tenant: destroy its stack and remove it"],
  ] as const;
  for (const [method, url, kind, summary] of simple) {
    app.route({
      method: method.toUpperCase() as "POST" | "DELETE",
      url,
      schema: { summary, tags: ["tenants"], security, params: TenantIdParams, response: { ...acceptedResponse, ...errorResponses(400, 401, 403, 404, 409, 503) } },
      handler: async (request, reply) => {
        const id = tenantParam(request, request.params.id);
        return accepted(reply, await operations.run(id, kind, actorOf(request)));
      },
    });
  }

  app.get(
    "/tenants/:id/events",
    {
      schema: {
        summary: "The tenant's audit events (DESIGN §5), in chain order",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { 200: AuditEventList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const id = tenantParam(request, request.params.id);
      return { events: await registry.listEvents(id) };
    },
  );
}
