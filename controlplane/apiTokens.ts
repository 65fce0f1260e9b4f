/**
 * API tokens (migrations 006 and 012): the bearer tokens of the portal, created, listed and revoked
 * with `frostbyte token`. A token is `fbt_` and 43 base64url characters (32 random bytes); only its
 * sha256 is stored, so the database never holds a usable token. Its role is its kind (admin,
 * auditor, tenant; what each may do is domain/authority.ts). Every token expires: `expires_at` is
 * set when it is created and compared with the database's clock on every lookup. A tenant's tokens
 * are revoked by the database itself when the tenant's deprovisioning starts or ends (012).
 */
import { createHash, randomBytes } from "node:crypto";
import { assertTenantId, isRole, type Role } from "../domain";
import type { Queryable } from "./db";
import { TenantNotFoundError } from "./errors";

/** What every token starts with: easy to recognise in a secret scanner. */
export const TOKEN_PREFIX = "fbt_";
const TOKEN_PATTERN = /^fbt_[A-Za-z0-9_-]{43}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long a token lives when its creator does not say: 30 days. */
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 86_400;
/** The longest a token may live unless the creator's policy says otherwise: 365 days. */
export const MAX_TOKEN_TTL_SECONDS = 365 * 86_400;

/** Who a token speaks for. */
export type TokenScope = { readonly kind: "admin" } | { readonly kind: "auditor" } | { readonly kind: "tenant"; readonly tenantId: string };

/** The kinds of token (the table's `kind` CHECK): the roles of domain/authority.ts. */
export type TokenKind = Role;

/** Where a token stands now, by the database's clock. */
export type TokenState = "active" | "expired" | "revoked";

/** A stored token (never the token itself, nor its hash). */
export interface ApiToken {
  readonly tokenId: string;
  readonly scope: TokenScope;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  /** Revoked wins over expired. */
  readonly state: TokenState;
}

/** A new token: shown once, then only its hash exists. */
export interface CreatedToken {
  readonly token: string;
  readonly record: ApiToken;
}

/** How long a new token lives. */
export interface TokenLifetime {
  /** Seconds from now (the database's now()); default {@link DEFAULT_TOKEN_TTL_SECONDS}. */
  readonly ttlSeconds?: number;
  /** The longest allowed; default {@link MAX_TOKEN_TTL_SECONDS}. */
  readonly maxTtlSeconds?: number;
}

/** A token's lifetime outside what its creator's policy allows. */
export class TokenLifetimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenLifetimeError";
  }
}

/** A tenant token asked for a tenant that is being or has been deprovisioned. */
export class TenantClosedForTokensError extends Error {
  /** The HTTP status an API would answer it with (Conflict). */
  readonly statusCode = 409;

  constructor(readonly tenantId: string, readonly state: string) {
    super(`tenant "${tenantId}" is ${state}: its tokens were revoked and it gets no new one`);
    this.name = "TenantClosedForTokensError";
  }
}

interface TokenRow {
  token_id: string;
  kind: string;
  tenant_id: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  state: TokenState;
}

/** The columns of an {@link ApiToken}, its state judged by the database's clock. */
const TOKEN_COLUMNS = `token_id, kind, tenant_id, created_at, expires_at, revoked_at,
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS state`;

function scopeOf(row: TokenRow): TokenScope {
  if (!isRole(row.kind)) throw new Error(`api_tokens row ${row.token_id}: unknown kind ${JSON.stringify(row.kind)}`);
  if (row.kind === "tenant") return { kind: "tenant", tenantId: row.tenant_id ?? "" };
  return { kind: row.kind };
}

function tokenFromRow(row: TokenRow): ApiToken {
  return { tokenId: row.token_id, scope: scopeOf(row), createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at, state: row.state };
}

/** The hex sha256 of a token: what the table stores and looks up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a string has the shape of a token (checked before any query). */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** The lifetime in seconds, checked against the maximum. */
export function tokenTtlSeconds(lifetime: TokenLifetime = {}): number {
  const max = lifetime.maxTtlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  const ttl = lifetime.ttlSeconds ?? Math.min(DEFAULT_TOKEN_TTL_SECONDS, max);
  if (!Number.isSafeInteger(max) || max < 1) throw new TokenLifetimeError(`the longest token lifetime must be a whole number of seconds ≥ 1, not ${max}`);
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new TokenLifetimeError(`a token's lifetime must be a whole number of seconds ≥ 1, not ${ttl}`);
  if (ttl > max) throw new TokenLifetimeError(`a token may live at most ${max} s; ${ttl} s asked`);
  return ttl;
}

/**
 * Creates a token for the scope, expiring `ttlSeconds` after the database's now(). A tenant token
 * needs the tenant in the registry, and not being deprovisioned (the database refuses it too).
 */
export async function createToken(db: Queryable, scope: TokenScope, lifetime: TokenLifetime = {}): Promise<CreatedToken> {
  const ttl = tokenTtlSeconds(lifetime);
  const tenantId = scope.kind === "tenant" ? assertTenantId(scope.tenantId) : null;
  if (tenantId !== null) {
    const found = await db.query<{ state: string }>("SELECT state FROM tenants WHERE tenant_id = $1", [tenantId]);
    const state = found.rows[0]?.state;
    if (state === undefined) throw new TenantNotFoundError(tenantId);
    if (state === "DEPROVISIONING" || state === "DEPROVISIONED") throw new TenantClosedForTokensError(tenantId, state);
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const result = await db.query<TokenRow>(
    `INSERT INTO api_tokens (token_hash, kind, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
     RETURNING ${TOKEN_COLUMNS}`,
    [hashToken(token), scope.kind, tenantId, ttl],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error("INSERT INTO api_tokens returned no row");
  return { token, record: tokenFromRow(row) };
}

/** What a bearer value stands for: an active or an expired token, or nothing usable (unknown, revoked). */
export type TokenLookup = { readonly found: "active" | "expired"; readonly token: ApiToken } | { readonly found: "none" };

/** Looks a bearer value up in one query; its expiry is judged by the database's clock. */
export async function authenticateToken(db: Queryable, token: string): Promise<TokenLookup> {
  if (!looksLikeToken(token)) return { found: "none" };
  const result = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hashToken(token)]);
  const row = result.rows[0];
  if (row === undefined) return { found: "none" };
  const record = tokenFromRow(row);
  return record.state === "active" ? { found: "active", token: record } : record.state === "expired" ? { found: "expired", token: record } : { found: "none" };
}

/** The unrevoked, unexpired token a bearer value stands for, or undefined. */
export async function findActiveToken(db: Queryable, token: string): Promise<ApiToken | undefined> {
  const lookup = await authenticateToken(db, token);
  return lookup.found === "active" ? lookup.token : undefined;
}

/** Where the token of this id stands now; undefined when there is none. */
export async function tokenState(db: Queryable, tokenId: string): Promise<TokenState | undefined> {
  if (!UUID_PATTERN.test(tokenId)) return undefined;
  const result = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_id = $1`, [tokenId]);
  return result.rows[0]?.state;
}

/** Which tokens {@link listTokens} shows. */
export interface TokenFilter {
  readonly tenantId?: string;
  readonly kind?: TokenKind;
  /** Only tokens that are neither revoked nor expired. */
  readonly activeOnly?: boolean;
}

/** The tokens, oldest first; never a token or its hash. */
export async function listTokens(db: Queryable, filter: TokenFilter = {}): Promise<ApiToken[]> {
  const tenantId = filter.tenantId === undefined ? null : assertTenantId(filter.tenantId);
  const result = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens
      WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR kind = $2)
        AND (NOT $3 OR (revoked_at IS NULL AND expires_at > now()))
      ORDER BY created_at, token_id`,
    [tenantId, filter.kind ?? null, filter.activeOnly === true],
  );
  return result.rows.map(tokenFromRow);
}

/** Revokes a token by id; returns it, or undefined when there is no such token. Revoking twice keeps the first time. */
export async function revokeToken(db: Queryable, tokenId: string): Promise<ApiToken | undefined> {
  if (!UUID_PATTERN.test(tokenId)) return undefined;
  const result = await db.query<TokenRow>(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = $1 RETURNING ${TOKEN_COLUMNS}`, [tokenId]);
  const row = result.rows[0];
  return row === undefined ? undefined : tokenFromRow(row);
}
