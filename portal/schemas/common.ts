/** Schemas shared by every route: error answers, path parameters, timestamps. */
import { Type } from "typebox";
import { checkedByDomain } from "./documented";
import { TENANT_ID_DOCUMENT } from "./tenantRules";

/** One failing path and what is wrong there (the project's ConfigProblem). */
export const Problem = Type.Object(
  { path: Type.String({ description: "where, e.g. config.pii.mode, params.id, body.id" }), message: Type.String() },
  { additionalProperties: false },
);

/** The body of every 4xx/5xx answer. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: "the status text, e.g. Bad Request" }),
    message: Type.String(),
    problems: Type.Optional(Type.Array(Problem)),
  },
  { additionalProperties: false, description: "an error; problems names each failing path" },
);

/** Every error status a route may answer, and when. */
const ERROR_STATUSES = {
  400: "the request breaks a rule: problems names each failing path (a parameter, a body key, malformed JSON)",
  401: "no usable bearer token: none, malformed, unknown, revoked or expired",
  403: "the token's role may not do this (see the role table), or a tenant token asked about another tenant or for a config key only operators change",
  404: "no such tenant or operation",
  409: "the tenant's state does not allow the operation, another operation on it is queued or running, or the tenant already exists",
  413: "the body is larger than the portal accepts (1 MiB)",
  415: "the body is not application/json",
  429: "too many failed authentications from this client address: retry after Retry-After seconds",
  500: "an internal error; the message shows nothing of it (see the portal's log)",
  503: "the portal is shutting down and accepts no new operation",
} as const;

/** An error status a route may answer. */
export type ErrorStatus = keyof typeof ERROR_STATUSES;

const WWW_AUTHENTICATE = { "WWW-Authenticate": { type: "string", description: 'the scheme to use: Bearer realm="frostbyte"' } };
const RETRY_AFTER = { "Retry-After": { type: "string", pattern: "^[1-9][0-9]*$", description: "seconds until this address may authenticate again" } };
const ERROR_HEADERS: Partial<Record<ErrorStatus, object>> = { 401: WWW_AUTHENTICATE, 429: RETRY_AFTER };

/** The error answers a route may give, for its `response` schema: JSON bodies, the 401's `WWW-Authenticate` and the 429's `Retry-After`. */
export function errorResponses(...codes: readonly ErrorStatus[]): Record<number, object> {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      {
        description: ERROR_STATUSES[code],
        ...(ERROR_HEADERS[code] ? { headers: ERROR_HEADERS[code] } : {}),
        content: { "application/json": { schema: ErrorBody } },
      },
    ]),
  );
}

/** What every route that needs a token may answer besides its own errors (its token, its client's failed authentications, an internal fault). */
export const AUTHENTICATED_ERRORS = [401, 403, 429, 500] as const satisfies readonly ErrorStatus[];
/** What a route with a request body may answer besides (its body's size and content type). */
export const BODY_ERRORS = [400, 413, 415] as const satisfies readonly ErrorStatus[];

/** A JSON answer of `schema`, with a description. */
export function jsonResponse(description: string, schema: object, headers?: Record<string, object>): object {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema } } };
}

/** An ISO-8601 UTC timestamp. */
export const Timestamp = Type.String({ format: "date-time" });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** `:id` of a tenant route; the id rule (DESIGN §1) is checked by the domain, which names `params.id`. */
export const TenantIdParams = Type.Object({ id: Type.String(checkedByDomain(TENANT_ID_DOCUMENT)) }, { additionalProperties: false });

/** `:id` of an operation route. */
export const OperationIdParams = Type.Object({ id: Type.String({ format: "uuid", description: "operation id" }) }, { additionalProperties: false });

/** A JSON object whose keys the project's validation checks (endpoints, details, results). */
export const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
