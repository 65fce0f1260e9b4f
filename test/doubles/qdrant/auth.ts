/**
 * Api-key and JWT authentication of the Qdrant REST API (v1.19.0), for the test double.
 *
 * Checked against `src/common/auth/mod.rs` (`AuthKeys::validate_request`), `src/common/auth/jwt_parser.rs`
 * (HS256, 30 s `exp` leeway, no required claims, `aud` unchecked), `src/common/auth/claims.rs`,
 * `src/actix/auth.rs` (denials are bare-text 401/403 bodies), and jsonwebtoken 10.4.0
 * `src/decoding.rs` / `src/validation.rs` / `src/errors.rs` (order of checks, error texts).
 *
 * Outcomes, as in Qdrant:
 * - no `api-key` header and no `Authorization: Bearer …` → 401 `Must provide an API key or an Authorization bearer token`
 * - the api key (or alt key) → full access; the read-only key → global read-only access
 * - otherwise, with `jwt_rbac`: a token signed with another secret → 403 `InvalidSignature`; expired
 *   (`exp` more than 30 s ago) → 403 `ExpiredSignature`; deprecated `payload` or duplicate collection
 *   in the `access` claim → 401; anything that is not a decodable HS256 JWT with valid claims → 401
 *   `Invalid API key or JWT`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { FULL_ACCESS, READ_ONLY_ACCESS } from "./rbac";
import type { Access, CollectionAccess, JsonObject, JsonValue } from "./types";

export interface AuthConfig {
  apiKey: string;
  altApiKey?: string;
  readOnlyApiKey?: string;
  /** Qdrant's `service.jwt_rbac`: tokens signed (HS256) with the api key / alt key are accepted. */
  jwtRbac: boolean;
}

/** One `value_exists.matches` entry of a JWT. */
export interface ValueMatch {
  key: string;
  value: string | number | boolean;
}

/** Stateful JWT check: `missing` = no such collection (→ 403), `no-match` = no point matches (→ 401). */
export type ValueExistsCheck = (collection: string, matches: readonly ValueMatch[]) => "ok" | "missing" | "no-match";

export type AuthResult =
  | { ok: true; access: Access; via: "api-key" | "read-only-api-key" | "jwt"; sub?: string; subject?: string }
  | { ok: false; status: 401 | 403; message: string };

type HeaderValue = string | string[] | undefined;

const INVALID = "Invalid API key or JWT";
const STATEFUL_FAILED = "Invalid JWT, stateful validation failed";
/** `JwtParser::new`: `validation.leeway = 30`. */
const EXP_LEEWAY_SECONDS = 30;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function keyEquals(expected: string | undefined, presented: string): boolean {
  if (expected === undefined || expected === "") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `AuthKeys::validate_request`. */
export function authenticate(
  headers: Record<string, HeaderValue>,
  config: AuthConfig,
  valueExists: ValueExistsCheck,
): AuthResult {
  const authorization = first(headers["authorization"]);
  const key =
    first(headers["api-key"]) ?? (authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined);
  if (key === undefined) {
    return { ok: false, status: 401, message: "Must provide an API key or an Authorization bearer token" };
  }
  if (keyEquals(config.apiKey, key) || keyEquals(config.altApiKey, key)) {
    return { ok: true, access: FULL_ACCESS, via: "api-key" };
  }
  if (keyEquals(config.readOnlyApiKey, key)) return { ok: true, access: READ_ONLY_ACCESS, via: "read-only-api-key" };
  if (!config.jwtRbac) return { ok: false, status: 401, message: INVALID };

  const secrets = [config.apiKey, config.altApiKey].filter((s): s is string => s !== undefined && s !== "");
  const results = secrets.map((secret) => decodeJwt(key, secret)).filter((r) => r !== undefined);
  const decoded = results.find((r) => r.ok);
  if (decoded !== undefined && decoded.ok) {
    const { claims } = decoded;
    if (claims.valueExists !== undefined) {
      const check = valueExists(claims.valueExists.collection, claims.valueExists.matches);
      if (check === "missing") return { ok: false, status: 403, message: STATEFUL_FAILED };
      if (check === "no-match") return { ok: false, status: 401, message: STATEFUL_FAILED };
    }
    return { ok: true, access: claims.access, via: "jwt", sub: claims.sub, subject: claims.subject };
  }
  const error = results.find((r) => !r.ok);
  if (error !== undefined && !error.ok) return error;
  return { ok: false, status: 401, message: INVALID };
}

interface Claims {
  sub?: string;
  subject?: string;
  access: Access;
  valueExists?: { collection: string; matches: ValueMatch[] };
}

type DecodeResult = { ok: true; claims: Claims } | { ok: false; status: 401 | 403; message: string };

const B64URL = /^[A-Za-z0-9_-]*$/;

function b64urlJson(part: string): JsonValue | undefined {
  if (!B64URL.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as JsonValue;
  } catch {
    return undefined;
  }
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `JwtParser::decode`: `undefined` when the token does not decode as an HS256 JWT with valid claims ("None"). */
function decodeJwt(token: string, secret: string): DecodeResult | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = b64urlJson(headerPart);
  if (!isObject(header) || header["alg"] !== "HS256") return undefined; // decode_header / InvalidAlgorithm
  if (!B64URL.test(signaturePart)) return undefined; // Base64 error
  const expected = createHmac("sha256", secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 403, message: "InvalidSignature" };
  }
  const payload = b64urlJson(payloadPart);
  if (!isObject(payload)) return undefined;
  const claims = parseClaims(payload);
  if (claims === undefined) return undefined; // serde error in `Claims`
  const exp = payload["exp"];
  if (typeof exp === "number" && exp < Math.floor(Date.now() / 1000) - EXP_LEEWAY_SECONDS) {
    return { ok: false, status: 403, message: "ExpiredSignature" };
  }
  if (claims.problems.length > 0) return { ok: false, status: 401, message: claims.problems.join("\n") };
  return { ok: true, claims };
}

const isU64 = (v: JsonValue): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isString = (v: JsonValue): boolean => typeof v === "string";
const optional = (v: JsonValue | undefined, ok: (v: JsonValue) => boolean): boolean => v === undefined || v === null || ok(v);

/** serde of `Claims` (unknown fields ignored; `access` absent = full access) plus `Claims::validate` problems. */
function parseClaims(payload: JsonObject): (Claims & { problems: string[] }) | undefined {
  const { sub, exp, subject, access, value_exists: valueExists } = payload;
  if (!optional(sub, isString) || !optional(exp, isU64) || !optional(subject, isString)) return undefined;
  let parsedAccess: Access = FULL_ACCESS;
  const problems: string[] = [];
  if (access !== undefined) {
    if (access === "r" || access === "m") parsedAccess = { kind: "global", mode: access };
    else if (Array.isArray(access)) {
      const list: CollectionAccess[] = [];
      for (const [i, item] of access.entries()) {
        if (!isObject(item) || typeof item["collection"] !== "string") return undefined;
        const mode = item["access"];
        if (mode !== "r" && mode !== "rw" && mode !== "prw") return undefined;
        const name = item["collection"];
        // `validate_unique_collections` and `validate_payload_empty` (lib/storage/src/rbac/mod.rs)
        if (list.some((a) => a.collection === name)) problems.push(`access[${i}].collection: Collection name should be unique`);
        if (item["payload"] !== undefined && item["payload"] !== null) {
          problems.push(`access[${i}].payload: The 'payload' constraint is deprecated and should not be used`);
        }
        list.push({ collection: name, access: mode });
      }
      parsedAccess = { kind: "collections", list };
    } else return undefined;
  }
  let parsedValueExists: Claims["valueExists"];
  if (valueExists !== undefined && valueExists !== null) {
    if (!isObject(valueExists) || typeof valueExists["collection"] !== "string") return undefined;
    const matches = valueExists["matches"];
    if (!Array.isArray(matches)) return undefined;
    const parsed: ValueMatch[] = [];
    for (const m of matches) {
      if (!isObject(m) || typeof m["key"] !== "string") return undefined;
      const value = m["value"];
      if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value))) {
        parsed.push({ key: m["key"], value });
      } else return undefined;
    }
    parsedValueExists = { collection: valueExists["collection"], matches: parsed };
  }
  return {
    access: parsedAccess,
    problems,
    ...(typeof sub === "string" ? { sub } : {}),
    ...(typeof subject === "string" ? { subject } : {}),
    ...(parsedValueExists !== undefined ? { valueExists: parsedValueExists } : {}),
  };
}
