/**
 * The tenant routes. Reads answer 200; changes start an operation and answer 202 with it (and a
 * Location header to follow it). Every `:id` is checked with the project's tenant-id rule before
 * the caller's reach and before the registry is read.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { listTenantsWithActiveOperation, activeOperationOf, driftOf, type Operation } from "../../controlplane";
import { CONFIG_KEY_OWNERS, CONFIG_KEY_PERMISSIONS, mayChangeConfigKeys, type PortalAction } from "../../domain";
import { principalOf, type Principal } from "../access";
import { forbidden, HttpError } from "../errors";
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

/**
 * Throws 403 naming the config keys the caller's role may not change (domain/authority.ts): a
 * tenant changes its data policy, operators everything else.
 */
function assertMayChangeKeys(principal: Principal, patch: unknown): void {
  const decision = mayChangeConfigKeys(principal.role, patch);
  if (decision.allowed) return;
  const owners = CONFIG_KEY_PERMISSIONS[principal.role];
  const allowed = Object.entries(CONFIG_KEY_OWNERS)
    .filter(([, owner]) => owner !== "registry" && owners.includes(owner))
    .map(([key]) => key);
  throw forbidden(
    `a ${principal.role} token may not change ${decision.refusedKeys.join(", ")}: only operators do` +
      (allowed.length > 0 ? `; it may change ${allowed.join(", ")}` : ""),
  );
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
  const access = (action: PortalAction) => ({ access: action });

  app.post(
    "/tenants",
    {
      config: access("tenants.create"),
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
      config: access("tenants.list"),
      schema: {
        summary: "List tenants (a tenant token sees only its own)",
        tags: ["tenants"],
        security,
        querystring: ListTenantsQuery,
        response: { 200: jsonResponse("the tenants, oldest first", TenantList), ...errorResponses(400, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const tenantId = principalOf(request).reachLimit;
      const { state } = request.query;
      const listed = await listTenantsWithActiveOperation(app.controlPlane, { ...(state ? { state } : {}), ...(tenantId !== undefined ? { tenantId } : {}) });
      return { tenants: listed.map(({ tenant, activeOperationId, drift }) => tenantView(tenant, activeOperationId, drift)) };
    },
  );

  app.get(
    "/tenants/:id",
    {
      config: access("tenant.read"),
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
      const [active, drift] = await Promise.all([activeOperationOf(app.controlPlane, id), driftOf(app.controlPlane, id)]);
      return tenantView(tenant, active?.operationId ?? null, drift);
    },
  );

  app.patch(
    "/tenants/:id/config",
    {
      config: access("tenant.configure"),
      schema: {
        summary: "Change the tenant's config (JSON merge patch) and update its stack",
        description: "A tenant token may change only its data policy (pii, classification, injection, mime_allowlist, generation_enabled, retention_days); a patch that touches any other key of DESIGN §6 is refused 403 naming the keys.",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        body: ConfigPatchBody,
        response: { ...acceptedResponse, ...errorResponses(...OPERATION_ERRORS) },
      },
    },
    async (request, reply) => {
      const id = tenantParam(request, request.params.id);
      assertMayChangeKeys(principalOf(request), request.body);
      return accepted(reply, await app.tenantOperations.updateConfig(id, request.body, principalOf(request).actor));
    },
  );

  app.post(
    "/tenants/:id/rotate",
    {
      config: access("tenant.rotate"),
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
    ["POST", "/tenants/:id/preview", "preview", "tenant.preview", "Preview what an update of the tenant's stack would change (admin)"],
    ["POST", "/tenants/:id/suspend", "suspend", "tenant.suspend", "Suspend the tenant: disable every credential, keep the data (admin)"],
    ["POST", "/tenants/:id/resume", "resume", "tenant.resume", "Resume a suspended tenant (admin: a suspension is lifted only by an operator)"],
    ["DELETE", "/tenants/:id", "deprovision", "tenant.deprovision", "Deprovision the tenant: destroy its stack, remove it and revoke its tokens (admin)"],
  ] as const;
  for (const [method, url, kind, action, summary] of simple) {
    app.route({
      method,
      url,
      config: access(action),
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
      config: access("tenant.audit"),
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
