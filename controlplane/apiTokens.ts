/**
 * API tokens (migrations/006_api_tokens.sql): the bearer tokens of the portal, created and revoked
 * with `frostbyte token`. A token is `fbt_` and 43 base64url characters (32 random bytes); only its
 * sha256 is stored, so the database never holds a usable token. An admin token sees every tenant; a
 * tenant token only its own.
 */
import { createHash, randomBytes } from "node:crypto";
import { assertTenantId } from "../domain";
import type { Queryable } from "./db";
import { TenantNotFoundError } from "./errors";

/** What every token starts with: easy to recognise in a secret scanner. */
export const TOKEN_PREFIX = "fbt_";
const TOKEN_PATTERN = /^fbt_[A-Za-z0-9_-]{43}$/;

/** Who a token speaks for. */
export type TokenScope = { readonly kind: "admin" } | { readonly kind: "tenant"; readonly tenantId: string };

/** The kinds of token (the table's `kind` CHECK): what the portal's routes grant access to. */
export type TokenKind = TokenScope["kind"];

/** A stored token (never the token itself). */
export interface ApiToken {
  readonly tokenId: string;
  readonly scope: TokenScope;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** A new token: shown once, then only its hash exists. */
export interface CreatedToken {
  readonly token: string;
  readonly record: ApiToken;
}

interface TokenRow {
  token_id: string;
  kind: string;
  tenant_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = "token_id, kind, tenant_id, created_at, revoked_at";

function tokenFromRow(row: TokenRow): ApiToken {
  const scope: TokenScope = row.kind === "admin" ? { kind: "admin" } : { kind: "tenant", tenantId: row.tenant_id ?? "" };
  return { tokenId: row.token_id, scope, createdAt: row.created_at, revokedAt: row.revoked_at };
}

/** The hex sha256 of a token: what the table stores and looks up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a string has the shape of a token (checked before any query). */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Creates a token for the scope; a tenant token needs the tenant in the registry. */
export async function createToken(db: Queryable, scope: TokenScope): Promise<CreatedToken> {
  const tenantId = scope.kind === "tenant" ? assertTenantId(scope.tenantId) : null;
  if (tenantId !== null) {
    const found = await db.query("SELECT 1 FROM tenants WHERE tenant_id = $1", [tenantId]);
    if (found.rowCount === 0) throw new TenantNotFoundError(tenantId);
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const result = await db.query<TokenRow>(`INSERT INTO api_tokens (token_hash, kind, tenant_id) VALUES ($1, $2, $3) RETURNING ${TOKEN_COLUMNS}`, [
    hashToken(token),
    scope.kind,
    tenantId,
  ]);
  const row = result.rows[0];
  if (row === undefined) throw new Error("INSERT INTO api_tokens returned no row");
  return { token, record: tokenFromRow(row) };
}

/** The unrevoked token a bearer value stands for, or undefined. */
export async function findActiveToken(db: Queryable, token: string): Promise<ApiToken | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const result = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hashToken(token)]);
  const row = result.rows[0];
  return row === undefined ? undefined : tokenFromRow(row);
}

/** Revokes a token by id; returns it, or undefined when there is no such token. Revoking twice keeps the first time. */
export async function revokeToken(db: Queryable, tokenId: string): Promise<ApiToken | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tokenId)) return undefined;
  const result = await db.query<TokenRow>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [tokenId],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : tokenFromRow(row);
}
