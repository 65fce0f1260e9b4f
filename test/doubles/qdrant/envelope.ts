/**
 * Response envelopes and error texts of the Qdrant REST API (v1.19.0), for the test double.
 *
 * Checked against `src/actix/helpers.rs` (`process_response`, `HttpError::status_code`),
 * `lib/api/src/rest/models.rs` (`ApiResponse`, `ApiStatus`), `src/actix/mod.rs`
 * (`validation_error_handler`) and `lib/storage/src/content_manager/errors.rs` (`StorageError` texts).
 */
import type { FastifyReply } from "fastify";
import type { JsonValue } from "./types";

/** An error answered with Qdrant's envelope `{ "status": { "error": msg }, "time": t }`. */
export class QdrantError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extractor errors (body/path/query) are answered with `time: 0.0` by Qdrant. */
    readonly fromExtractor = false,
  ) {
    super(message);
    this.name = "QdrantError";
  }
}

/** `StorageError` variants and their HTTP codes (`HttpError::status_code`). */
export const storageError = {
  /** `StorageError::BadInput` → 400 */
  badInput: (description: string) => new QdrantError(400, `Wrong input: ${description}`),
  /** `StorageError::AlreadyExists` → 409 (its text also says "Wrong input") */
  alreadyExists: (description: string) => new QdrantError(409, `Wrong input: ${description}`),
  /** `StorageError::NotFound` → 404 */
  notFound: (description: string) => new QdrantError(404, `Not found: ${description}`),
  /** `StorageError::Forbidden` → 403 */
  forbidden: (description: string) => new QdrantError(403, `Forbidden: ${description}`),
  /** `StorageError::BadRequest` → 400 */
  badRequest: (description: string) => new QdrantError(400, `Bad request: ${description}`),
  /** `StorageError::ServiceError` → 500 */
  service: (description: string) => new QdrantError(500, `Service internal error: ${description}`),
};

/** `collections_ops.rs`: `Collection \`x\` doesn't exist!` (404). */
export function collectionNotFound(name: string): QdrantError {
  return storageError.notFound(`Collection \`${name}\` doesn't exist!`);
}

/** `collections_ops.rs`: `Collection \`x\` already exists!` (409). */
export function collectionAlreadyExists(name: string): QdrantError {
  return storageError.alreadyExists(`Collection \`${name}\` already exists!`);
}

export type ExtractorSource = "JSON body" | "path parameters" | "query parameters";

/** `validation_error_handler`, `Validate` errors → 422 `Validation error in X: [field: msg; …]`. */
export function validationError(source: ExtractorSource, issues: readonly string[]): QdrantError {
  return new QdrantError(422, `Validation error in ${source}: [${issues.join("; ")}]`, true);
}

/** `validation_error_handler`, JSON deserialize errors → 400 `Format error in JSON body: …`. */
export function formatError(message: string): QdrantError {
  return new QdrantError(400, `Format error in JSON body: ${message}`, true);
}

/** `validation_error_handler`, query/path deserialize errors → 400 `Deserialize error in X: …`. */
export function deserializeError(source: ExtractorSource, message: string): QdrantError {
  return new QdrantError(400, `Deserialize error in ${source}: ${message}`, true);
}

/** serde's text for an untagged enum that no variant matched (position suffix omitted). */
export function noVariantError(enumName: string): QdrantError {
  return formatError(`data did not match any variant of untagged enum ${enumName}`);
}

/** Seconds since `started`, as Qdrant's `time` field. */
export function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Marker content type: removed in `onSend` so the body goes out without a Content-Type, as actix does for `.body(String)`. */
export const NO_CONTENT_TYPE = "application/x-qdrant-double-no-content-type";
/** Marker content type: set to a bare `application/json` in `onSend` (fastify would append `; charset=utf-8`; actix does not). */
export const JSON_CONTENT_TYPE = "application/x-qdrant-double-envelope";

/** `200 { "result": …, "status": "ok", "time": … }`. */
export function sendResult(reply: FastifyReply, started: bigint, result: JsonValue): FastifyReply {
  const body = { result, status: "ok", time: elapsedSeconds(started) };
  return reply.code(200).header("content-type", JSON_CONTENT_TYPE).send(JSON.stringify(body));
}

/** `{ "status": { "error": … }, "time": … }` with the error's HTTP code. */
export function sendError(reply: FastifyReply, started: bigint, error: QdrantError): FastifyReply {
  const time = error.fromExtractor ? 0 : elapsedSeconds(started);
  const body = { status: { error: error.message }, time };
  return reply.code(error.statusCode).header("content-type", JSON_CONTENT_TYPE).send(JSON.stringify(body));
}

/** A JSON body without envelope (`GET /` answers `VersionInfo` directly). */
export function sendBareJson(reply: FastifyReply, value: JsonValue): FastifyReply {
  return reply.code(200).header("content-type", JSON_CONTENT_TYPE).send(JSON.stringify(value));
}

/** A bare text body, as the auth middleware (`HttpResponse::Unauthorized().body(e)`) answers. */
export function sendBareText(reply: FastifyReply, statusCode: number, text: string): FastifyReply {
  return reply.code(statusCode).header("content-type", NO_CONTENT_TYPE).send(text);
}

/** A `text/plain` body (`/healthz`, `/livez`, `/readyz`). */
export function sendPlainText(reply: FastifyReply, text: string): FastifyReply {
  return reply.code(200).header("content-type", "text/plain; charset=utf-8").send(text);
}
