/**
 * How an error becomes an HTTP answer: every error the portal can meet is mapped to its status and
 * a body `{ statusCode, error, message, problems? }`; `problems` names each failing path (schema
 * errors and the project's own validation alike). Anything unexpected is a 500 whose message is
 * not shown.
 */
import { STATUS_CODES } from "node:http";
import { ConfigValidationError, type ConfigProblem } from "../components/validation";
import { InvalidTenantIdError, TenantAlreadyExistsError, TenantNotFoundError, TransitionNotAllowedError } from "../controlplane";
import { StackConflictError, TenantBusyError, TenantStackNotFoundError } from "../stacks";
import { TenantStateConflictError } from "./operations/kinds";
import { PortalClosingError } from "./operations/service";

/** An error the portal answers with a chosen status (401, 403, 404 for an unknown operation, …). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems?: readonly ConfigProblem[],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly ConfigProblem[];
}

/** One item of Fastify's schema validation error (ajv). */
interface SchemaIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Where a schema issue is, as `body.config.pii`, `params.id`, `query.state`: the part, then the JSON path. */
export function schemaIssuePath(context: string, issue: SchemaIssue): string {
  const segments = issue.instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  const missing = issue.params?.["missingProperty"] ?? issue.params?.["additionalProperty"];
  if (typeof missing === "string") segments.push(missing);
  return segments.reduce((acc, segment) => (/^\d+$/.test(segment) ? `${acc}[${segment}]` : `${acc}.${segment}`), context);
}

function schemaIssueMessage(issue: SchemaIssue): string {
  if (typeof issue.params?.["additionalProperty"] === "string") return "unknown key";
  if (typeof issue.params?.["missingProperty"] === "string") return "is required";
  return issue.message ?? "is invalid";
}

/** Fastify's validation error: `validation` (ajv issues) and `validationContext` (body, params, querystring). */
function schemaProblems(error: unknown): ConfigProblem[] | undefined {
  const { validation, validationContext } = error as { validation?: unknown; validationContext?: unknown };
  if (!Array.isArray(validation)) return undefined;
  const context = validationContext === "querystring" ? "query" : typeof validationContext === "string" ? validationContext : "request";
  return (validation as SchemaIssue[]).map((issue) => ({ path: schemaIssuePath(context, issue), message: schemaIssueMessage(issue) }));
}

function statusOf(error: unknown): { status: number; message?: string; problems?: readonly ConfigProblem[] } {
  if (error instanceof HttpError) return { status: error.statusCode, ...(error.problems ? { problems: error.problems } : {}) };
  const schema = schemaProblems(error);
  if (schema) return { status: 400, message: schema.map((p) => `${p.path}: ${p.message}`).join("; "), problems: schema };
  if (error instanceof ConfigValidationError) return { status: 400, problems: error.problems };
  if (error instanceof InvalidTenantIdError) return { status: 400 };
  if (error instanceof TenantNotFoundError || error instanceof TenantStackNotFoundError) return { status: 404 };
  if (
    error instanceof TenantBusyError ||
    error instanceof StackConflictError ||
    error instanceof TenantAlreadyExistsError ||
    error instanceof TenantStateConflictError ||
    error instanceof TransitionNotAllowedError
  ) {
    return { status: 409 };
  }
  if (error instanceof PortalClosingError) return { status: 503 };
  // Fastify's own client errors: malformed JSON, wrong content type, body too large, …
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return { status };
  return { status: 500, message: "internal error; see the portal's log" };
}

/** The status and body for an error; `internal` is true when it should be logged as a fault. */
export function errorAnswer(error: unknown): { body: ErrorBody; internal: boolean } {
  const { status, message, problems } = statusOf(error);
  const text = message ?? (error instanceof Error ? error.message : String(error));
  return {
    body: { statusCode: status, error: STATUS_CODES[status] ?? "Error", message: text, ...(problems && problems.length > 0 ? { problems } : {}) },
    internal: status >= 500 && status !== 503,
  };
}
