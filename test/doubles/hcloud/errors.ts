/**
 * Error bodies of the Hetzner Cloud API test double.
 *
 * Shape (hcloud-go `hcloud/schema/error.go`): `{"error":{"code","message","details"}}`.
 * Status codes: the "Error Codes" table of the official OpenAPI description
 * (docs.hetzner.cloud), plus the per-operation tables for the codes used here.
 */

export interface ErrorFieldDetail {
  readonly name: string;
  readonly messages?: readonly string[];
}

export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: ErrorDetails };
}

/** Generic codes from the API's error table, with their documented HTTP status. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  json_error: 400,
  unauthorized: 401,
  token_readonly: 401,
  forbidden: 403,
  maintenance: 403,
  resource_limit_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  uniqueness_error: 409,
  conflict: 409,
  deprecated_api_endpoint: 410,
  resource_unavailable: 412,
  primary_ip_version_mismatch: 412,
  invalid_input: 422,
  service_error: 422,
  unsupported_error: 422,
  locked: 423,
  protected: 423,
  rate_limit_exceeded: 429,
  server_error: 500,
  unavailable: 503,
  timeout: 504,
};

/** An API error: thrown by handlers, turned into the documented JSON body by the server. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}, status?: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
    // Operation-specific codes (server_already_attached, no_subnet_available, ...) are 422 unless told.
    this.status = status ?? STATUS_BY_CODE[code] ?? 422;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 422;
}

export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found`);
}

/** `invalid_input` with `details.fields`, message in the API's "invalid input in field(s) ..." form. */
export function invalidInput(fields: readonly ErrorFieldDetail[], message?: string): ApiError {
  const names = fields.map((f) => `'${f.name}'`).join(", ");
  const text = message ?? (fields.length === 1 ? `invalid input in field ${names}` : `invalid input in fields ${names}`);
  return new ApiError("invalid_input", text, { fields: fields.map((f) => ({ name: f.name, messages: [...(f.messages ?? [])] })) });
}

export function invalidField(field: string, message: string): ApiError {
  return invalidInput([{ name: field, messages: [message] }]);
}

/** `invalid_input` without field details, e.g. "location 'ash1' not found". */
export function invalidInputMessage(message: string): ApiError {
  return new ApiError("invalid_input", message, {});
}

export function uniquenessError(field: string, message: string): ApiError {
  return new ApiError("uniqueness_error", message, { fields: [{ name: field }] });
}

export function unauthorized(): ApiError {
  return new ApiError("unauthorized", "unable to authenticate");
}
