/**
 * The read routes the self-service console needs beside the tenant and operation routes: who the
 * caller is (`GET /me`), a tenant's operations history, and its audit log with the chain's
 * verification read in the same query. Documented like every other route (schemathesis reads them).
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { readVerifiedChain, recentOperationsOf } from "../../controlplane";
import { principalOf } from "../access";
import { HttpError } from "../errors";
import { tenantIdPathProblem } from "../operations/service";
import { AUTHENTICATED_ERRORS, errorResponses, jsonResponse, TenantIdParams } from "../schemas/common";
import { OperationView } from "../schemas/operations";
import { AuditEventView } from "../schemas/tenants";
import { operationView } from "../views";

/** How many operations the tenant page's history shows at most. */
const OPERATIONS_HISTORY_LIMIT = 50;

/** The caller, as the console shows it and decides which actions to offer. */
const Caller = Type.Object(
  {
    role: Type.String({ description: "the token's role (its kind, e.g. admin or tenant); the API decides every request by it anyway" }),
    tenantId: Type.Union([Type.String(), Type.Null()], { description: "the one tenant the token may reach; null when it may reach every tenant" }),
    tokenId: Type.String({ format: "uuid", description: "the token's id (never the token)" }),
  },
  { additionalProperties: false },
);

const OperationHistory = Type.Object(
  { operations: Type.Array(OperationView, { description: `newest first, at most ${OPERATIONS_HISTORY_LIMIT}` }) },
  { additionalProperties: false },
);

const ChainVerificationView = Type.Object(
  {
    ok: Type.Boolean({ description: "every event's position, link and hash hold" }),
    checked: Type.Integer({ minimum: 0, description: "events examined, up to and including the first bad one" }),
    firstBad: Type.Optional(
      Type.Object(
        { eventId: Type.Union([Type.String({ format: "uuid" }), Type.Null()]), chainSeq: Type.Integer({ minimum: 1 }), reason: Type.String() },
        { additionalProperties: false, description: "the first event that breaks the chain, and why" },
      ),
    ),
  },
  { additionalProperties: false },
);

const AuditLog = Type.Object(
  { events: Type.Array(AuditEventView, { description: "in chain order" }), verification: ChainVerificationView },
  { additionalProperties: false, description: "the audit events and the chain's verification, from one read" },
);

/** The tenant id of a route, checked (400 naming `params.id`) and within the caller's reach (403). */
function reachableTenant(request: FastifyRequest, id: string): string {
  const problem = tenantIdPathProblem(id, "params.id");
  if (problem) throw new HttpError(400, `${problem.path}: ${problem.message}`, { problems: [problem] });
  principalOf(request).assertMayReach(id);
  return id;
}

export const consoleReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const security = [{ bearer: [] }];

  app.get(
    "/me",
    {
      config: { access: "caller.read" },
      schema: {
        summary: "The caller: the role and tenant scope of the bearer token",
        tags: ["tenants"],
        security,
        response: { 200: jsonResponse("the caller", Caller), ...errorResponses(...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { role: principal.role, tenantId: principal.tenantScope ?? null, tokenId: principal.tokenId };
    },
  );

  app.get(
    "/tenants/:id/operations",
    {
      config: { access: "tenant.operations" },
      schema: {
        summary: "The tenant's operations, newest first",
        tags: ["operations"],
        security,
        params: TenantIdParams,
        response: { 200: jsonResponse("the tenant's operations", OperationHistory), ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const id = reachableTenant(request, request.params.id);
      await app.registry.getTenant(id);
      return { operations: (await recentOperationsOf(app.controlPlane, id, OPERATIONS_HISTORY_LIMIT)).map(operationView) };
    },
  );

  app.get(
    "/tenants/:id/audit",
    {
      config: { access: "tenant.audit" },
      schema: {
        summary: "The tenant's audit log (DESIGN §5) and whether its hash chain verifies",
        tags: ["tenants"],
        security,
        params: TenantIdParams,
        response: { 200: jsonResponse("the audit log and its verification", AuditLog), ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS) },
      },
    },
    async (request) => {
      const id = reachableTenant(request, request.params.id);
      const { events, verification } = await readVerifiedChain(app.controlPlane, id);
      const { ok, checked, firstBad } = verification;
      return { events: [...events], verification: { ok, checked, ...(firstBad ? { firstBad } : {}) } };
    },
  );
};
