/**
 * Per-request plumbing of the Qdrant test double: state, the auth result of each request, the JSON-envelope
 * handler wrapper and the extractors (path, JSON body, query) with Qdrant's 400/422 texts.
 *
 * Extractor behaviour checked against Qdrant v1.19.0 `src/actix/mod.rs` (`validation_error_handler`,
 * `NormalizePath::trim`), `src/actix/api/mod.rs` (`CollectionPath` / `StrictCollectionPath`),
 * `lib/common/common/src/validation.rs` (collection-name characters), `src/common/update.rs` (`UpdateParams`:
 * `wait` defaults to false), `src/actix/api/collections_api.rs` (`WaitTimeout`: `timeout` ≥ 1).
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";
import type { AuthConfig } from "./auth";
import { collectionNotFound, deserializeError, formatError, QdrantError, sendError, sendResult, validationError } from "./envelope";
import { rangeIssue } from "./serde";
import type { Access, AuthOutcome, JsonValue, StoredCollection } from "./types";

export interface DoubleState {
  readonly auth: AuthConfig;
  readonly version: { title: string; version: string; commit: string };
  readonly collections: Map<string, StoredCollection>;
}

/** Facts the hooks attach to a request (kept outside the request object to stay type-safe). */
export interface RequestFacts {
  started: bigint;
  outcome?: AuthOutcome;
  access?: Access;
  body?: JsonValue;
}

const facts = new WeakMap<FastifyRequest, RequestFacts>();

export function factsOf(request: FastifyRequest): RequestFacts {
  let f = facts.get(request);
  if (f === undefined) {
    f = { started: process.hrtime.bigint() };
    facts.set(request, f);
  }
  return f;
}

export interface Ctx {
  readonly request: FastifyRequest;
  readonly access: Access;
  /** A path parameter, decoded. */
  param(name: string): string;
  /** The collection name path parameter, validated (`strict` for create, as `StrictCollectionPath`). */
  collectionName(strict?: boolean): string;
  /** The JSON body (`actix_web_validator::Json`): content type must be JSON, empty body is a format error. */
  body(): JsonValue;
  /** `wait` query parameter (default false). */
  wait(): boolean;
  /** `timeout` query parameter (≥ 1 if given). */
  timeout(): number | undefined;
}

/** Wraps a handler: its return value is sent as `{result, status: "ok", time}`, a `QdrantError` as the error envelope. */
export function api(handler: (ctx: Ctx) => JsonValue): RouteHandlerMethod {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const f = factsOf(request);
    try {
      if (f.access === undefined) throw new QdrantError(500, "Service internal error: request reached a handler without auth");
      return sendResult(reply, f.started, handler(makeCtx(request, f.access)));
    } catch (error) {
      if (error instanceof QdrantError) return sendError(reply, f.started, error);
      throw error;
    }
  };
}

const LEGACY_INVALID = ["/", "\0"];
const STRICT_INVALID = ["<", ">", ":", '"', "/", "\\", "|", "?", "*", "\0", "\u001f"];

function validateCollectionName(name: string, strict: boolean): void {
  const length = [...name].length;
  if (length < 1 || length > 255) {
    throw validationError("path parameters", [`collection_name: value ${JSON.stringify(name)} invalid, must be from 1 to 255 characters`]);
  }
  const bad = (strict ? STRICT_INVALID : LEGACY_INVALID).find((c) => name.includes(c));
  if (bad !== undefined) {
    throw validationError("path parameters", [`collection_name: collection name cannot contain ${JSON.stringify(bad)} char`]);
  }
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, string | string[] | undefined>;
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mime = value.split(";")[0]?.trim().toLowerCase() ?? "";
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

/** Parses the raw body (a Buffer from the catch-all content-type parser) as Qdrant's JSON extractor would. */
export function parseJsonBody(request: FastifyRequest): JsonValue {
  const f = factsOf(request);
  if (f.body !== undefined) return f.body;
  if (!isJsonContentType(request.headers["content-type"])) throw new QdrantError(400, "Content type error", true);
  const raw = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "";
  if (raw.trim() === "") throw formatError("EOF while parsing a value at line 1 column 0");
  try {
    f.body = JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw formatError(error instanceof Error ? error.message : String(error));
  }
  return f.body;
}

function makeCtx(request: FastifyRequest, access: Access): Ctx {
  const params = request.params as Record<string, string | undefined>;
  return {
    request,
    access,
    param: (name) => params[name] ?? "",
    collectionName(strict = false) {
      const name = params["name"] ?? "";
      validateCollectionName(name, strict);
      return name;
    },
    body: () => parseJsonBody(request),
    wait() {
      const v = queryValue(request, "wait");
      if (v === undefined) return false;
      if (v !== "true" && v !== "false") throw deserializeError("query parameters", "provided string was not `true` or `false`");
      return v === "true";
    },
    timeout() {
      const v = queryValue(request, "timeout");
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) throw deserializeError("query parameters", "invalid digit found in string");
      const issue = rangeIssue(Number(v), { kind: "uint", min: 1 });
      if (issue !== undefined) throw validationError("query parameters", [`timeout: ${issue}`]);
      return Number(v);
    },
  };
}

/** The collection or Qdrant's 404. */
export function requireCollection(state: DoubleState, name: string): StoredCollection {
  const collection = state.collections.get(name);
  if (collection === undefined) throw collectionNotFound(name);
  return collection;
}
