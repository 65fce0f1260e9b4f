/** Schemas shared by every route: error answers, path parameters, timestamps. */
import { Type } from "typebox";
import { TENANT_ID_RULE } from "../../components/naming";

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

/** The error answers a route may give, for its `response` schema. */
export function errorResponses<const C extends readonly (400 | 401 | 403 | 404 | 409 | 503)[]>(...codes: C): Record<C[number], typeof ErrorBody> {
  return Object.fromEntries(codes.map((code) => [code, ErrorBody])) as Record<C[number], typeof ErrorBody>;
}

/** An ISO-8601 UTC timestamp. */
export const Timestamp = Type.String({ format: "date-time" });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** `:id` of a tenant route; the id rule (DESIGN §1) is checked by the project's own validation. */
export const TenantIdParams = Type.Object({ id: Type.String({ description: `tenant id: ${TENANT_ID_RULE}` }) }, { additionalProperties: false });

/** `:id` of an operation route. */
export const OperationIdParams = Type.Object({ id: Type.String({ format: "uuid", description: "operation id" }) }, { additionalProperties: false });

/** A JSON object whose keys the project's validation checks (tenant config, endpoints, details). */
export const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
