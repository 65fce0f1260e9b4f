/**
 * How an error becomes an HTTP answer. An error the portal answers with a chosen status carries it
 * as `statusCode` (Fastify's convention): the portal's own {@link HttpError}s, the registry's, the
 * stacks layer's and the domain's errors, and Fastify's own client errors (malformed JSON, wrong
 * content type, body too large). One error handler reads it; an error without one is a fault,
 * answered 500 with a message that shows nothing of it. The body is always
 * `{ statusCode, error, message, problems? }`; `problems` names each failing path (schema errors
 * and the project's own validation alike).
 */
import { STATUS_CODES } from "node:http";
import type { ConfigProblem } from "../domain";

/** What an {@link HttpError} may add to its answer. */
export interface HttpErrorOptions {
  /** Each failing path, for a 400. */
  readonly problems?: readonly ConfigProblem[];
  /** Headers the answer carries (`WWW-Authenticate` of a 401, `Allow` of a 405). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error the portal answers with its own status (401, 403, 404 for an unknown operation, 405, …). */
export class HttpError extends Error {
  readonly problems?: readonly ConfigProblem[];
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    readonly statusCode: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = "HttpError";
    if (options.problems) this.problems = options.problems;
    if (options.headers) this.headers = options.headers;
  }
}

/** 401: no usable bearer token; `WWW-Authenticate` names the scheme to use. */
export function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { headers: { "www-authenticate": 'Bearer realm="frostbyte"' } });
}

/** 403: the token may not do this. */
export function forbidden(message: string): HttpError {
  return new HttpError(403, message);
}

/** 404: nothing at this path. */
export function notFound(message: string): HttpError {
  return new HttpError(404, message);
}

/** 405: the path exists, the method is not one of its `allowed` ones (listed in `Allow`). */
export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): HttpError {
  return new HttpError(405, `${path} does not answer ${method}; it answers ${allowed.join(", ")}`, { headers: { allow: allowed.join(", ") } });
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly ConfigProblem[];
}

/** An error as an answer: status, headers, body; `internal` when it is a fault to log. */
export interface ErrorAnswer {
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  readonly internal: boolean;
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

/** The status an error carries, when it carries one an answer can have (400–599). */
function carriedStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

function carried<K extends "problems" | "headers">(error: unknown, key: K): unknown {
  return typeof error === "object" && error !== null ? (error as Record<K, unknown>)[key] : undefined;
}

/** The answer to an error. A 500 (no status carried, or 500 itself) shows nothing of the error and is logged. */
export function errorAnswer(error: unknown): ErrorAnswer {
  const schema = schemaProblems(error);
  const status = schema ? 400 : (carriedStatus(error) ?? 500);
  const fault = status === 500;
  const problems = schema ?? carried(error, "problems");
  const message = schema
    ? schema.map((p) => `${p.path}: ${p.message}`).join("; ")
    : fault
      ? "internal error; see the portal's log"
      : error instanceof Error
        ? error.message
        : String(error);
  const headers = carried(error, "headers");
  return {
    body: {
      statusCode: status,
      error: STATUS_CODES[status] ?? "Error",
      message,
      ...(Array.isArray(problems) && problems.length > 0 ? { problems: problems as ConfigProblem[] } : {}),
    },
    headers: !fault && typeof headers === "object" && headers !== null ? (headers as Record<string, string>) : {},
    internal: fault,
  };
}
