/**
 * `frostbyte token create|list|revoke`: the portal's bearer tokens. A new token is printed once on
 * standard output and only its sha256 is stored; its id (for revoking) and expiry go to standard
 * error. `list` shows ids, roles, tenants and times, never a token. Roles (domain/authority.ts):
 * admin (operators), auditor (reads every tenant), tenant (one tenant). Every token expires: after
 * `--ttl`, else FROSTBYTE_TOKEN_TTL_DEFAULT (30d, or the maximum when that is shorter); never later
 * than FROSTBYTE_TOKEN_TTL_MAX (365d).
 */
import type { Command } from "commander";
import { createToken, DEFAULT_TOKEN_TTL_SECONDS, listTokens, MAX_TOKEN_TTL_SECONDS, revokeToken, type ApiToken, type TokenScope } from "../../controlplane";
import { isRole, ROLES, type Role } from "../../domain";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";

export const TOKEN_TTL_DEFAULT_ENV = "FROSTBYTE_TOKEN_TTL_DEFAULT";
export const TOKEN_TTL_MAX_ENV = "FROSTBYTE_TOKEN_TTL_MAX";

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };
const DURATION_RULE = "a whole number of seconds, or of minutes, hours or days with m, h or d (90m, 12h, 30d)";

/** `30d` → 2592000; `where` names the flag or variable in the error. */
export function parseDuration(text: string, where: string): number {
  const match = /^([1-9][0-9]{0,9})([smhd]?)$/.exec(text.trim());
  if (!match?.[1]) throw new CliError(`${where} ${JSON.stringify(text)}: must be ${DURATION_RULE}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
}

/** The lifetime a new token gets: `--ttl`, else the configured default; checked against the maximum. */
export function tokenLifetime(env: CliIo["env"], ttl: string | undefined): { ttlSeconds: number; maxTtlSeconds: number } {
  const maxText = env[TOKEN_TTL_MAX_ENV];
  const maxTtlSeconds = maxText ? parseDuration(maxText, TOKEN_TTL_MAX_ENV) : MAX_TOKEN_TTL_SECONDS;
  const defaultText = env[TOKEN_TTL_DEFAULT_ENV];
  const ttlSeconds = ttl !== undefined ? parseDuration(ttl, "--ttl") : defaultText ? parseDuration(defaultText, TOKEN_TTL_DEFAULT_ENV) : Math.min(DEFAULT_TOKEN_TTL_SECONDS, maxTtlSeconds);
  if (ttlSeconds > maxTtlSeconds) {
    const source = ttl !== undefined ? `--ttl ${ttl}` : `${TOKEN_TTL_DEFAULT_ENV}=${defaultText ?? ""}`;
    throw new CliError(`${source}: a token may live at most ${maxTtlSeconds} s (${TOKEN_TTL_MAX_ENV}); ${ttlSeconds} s asked`);
  }
  return { ttlSeconds, maxTtlSeconds };
}

/** Options of `token create`. */
export interface TokenCreateOptions {
  readonly admin?: boolean;
  readonly role?: string;
  readonly tenant?: string;
  readonly ttl?: string;
}

function roleOf(options: TokenCreateOptions): Role {
  if (options.admin === true && options.tenant !== undefined) throw new CliError("give either --admin or --tenant <id>, not both");
  if (options.role !== undefined && !isRole(options.role)) throw new CliError(`role ${JSON.stringify(options.role)}: must be one of ${ROLES.join(", ")}`);
  if (options.admin === true && options.role !== undefined && options.role !== "admin") throw new CliError(`give either --admin or --role ${options.role}, not both`);
  const role = (options.role as Role | undefined) ?? (options.admin === true ? "admin" : options.tenant !== undefined ? "tenant" : undefined);
  if (role === undefined) throw new CliError("give --admin (every tenant), --role auditor (reads every tenant) or --tenant <id> (that tenant only)");
  if (role === "tenant" && options.tenant === undefined) throw new CliError("--role tenant needs --tenant <id>");
  if (role !== "tenant" && options.tenant !== undefined) throw new CliError(`--role ${role} reaches every tenant: leave out --tenant, or use --role tenant`);
  return role;
}

function scopeOf(role: Role, tenantId: string | undefined): TokenScope {
  return role === "tenant" ? { kind: "tenant", tenantId: tenantId ?? "" } : { kind: role };
}

export async function tokenCreate(io: CliIo, options: TokenCreateOptions): Promise<void> {
  const scope = scopeOf(roleOf(options), options.tenant);
  const lifetime = tokenLifetime(io.env, options.ttl);
  const { token, record } = await withPool(io, (pool) => createToken(pool, scope, lifetime));
  io.stdout(`${token}\n`);
  const what = scope.kind === "tenant" ? `token of tenant "${scope.tenantId}"` : `${scope.kind} token`;
  io.stderr(`created ${what} ${record.tokenId}, expiring ${record.expiresAt.toISOString()}; it is shown only now (revoke with: frostbyte token revoke ${record.tokenId})\n`);
}

/** Options of `token list`. */
export interface TokenListOptions {
  readonly tenant?: string;
  readonly role?: string;
  readonly active?: boolean;
}

const iso = (date: Date | null): string => (date === null ? "-" : date.toISOString());

/** The tokens as an aligned table: id, role, tenant, created, expires, revoked, state. */
export function tokenTable(tokens: readonly ApiToken[]): string {
  const rows = [
    ["ID", "ROLE", "TENANT", "CREATED", "EXPIRES", "REVOKED", "STATE"],
    ...tokens.map((t) => [t.tokenId, t.scope.kind, t.scope.kind === "tenant" ? t.scope.tenantId : "-", iso(t.createdAt), iso(t.expiresAt), iso(t.revokedAt), t.state]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

export async function tokenList(io: CliIo, options: TokenListOptions): Promise<void> {
  if (options.role !== undefined && !isRole(options.role)) throw new CliError(`role ${JSON.stringify(options.role)}: must be one of ${ROLES.join(", ")}`);
  const role = options.role as Role | undefined;
  const tokens = await withPool(io, (pool) =>
    listTokens(pool, { ...(options.tenant === undefined ? {} : { tenantId: options.tenant }), ...(role === undefined ? {} : { kind: role }), activeOnly: options.active === true }),
  );
  io.stdout(tokens.length === 0 ? "no tokens\n" : tokenTable(tokens));
}

export async function tokenRevoke(io: CliIo, tokenId: string): Promise<void> {
  const revoked = await withPool(io, (pool) => revokeToken(pool, tokenId));
  if (revoked === undefined) throw new CliError(`no token with id ${JSON.stringify(tokenId)}`);
  io.stdout(`token ${revoked.tokenId} revoked at ${revoked.revokedAt?.toISOString() ?? "?"}\n`);
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const token = program.command("token").description("bearer tokens of the portal (stored hashed, every one expires)");
  token
    .command("create")
    .description("create a token and print it once: --admin (operators), --role auditor (reads every tenant) or --tenant <id> (that tenant only)")
    .option("--admin", "an admin (operator) token; the same as --role admin")
    .option("--role <role>", `the token's role: ${ROLES.join(", ")}`)
    .option("--tenant <id>", "a token limited to this tenant (role tenant)")
    .option("--ttl <duration>", `how long it lives, e.g. 12h or 30d (default ${TOKEN_TTL_DEFAULT_ENV}, else 30d; at most ${TOKEN_TTL_MAX_ENV}, else 365d)`)
    .action((options: TokenCreateOptions) => tokenCreate(io, options));
  token
    .command("list")
    .description("list tokens, oldest first: id, role, tenant, created, expires, revoked, state (never a token)")
    .option("--tenant <id>", "only this tenant's tokens")
    .option("--role <role>", `only tokens of this role: ${ROLES.join(", ")}`)
    .option("--active", "only tokens that are neither revoked nor expired")
    .action((options: TokenListOptions) => tokenList(io, options));
  token
    .command("revoke")
    .description("revoke a token by its id (printed when it was created, and by token list)")
    .argument("<token-id>", "the token's id")
    .action((tokenId: string) => tokenRevoke(io, tokenId));
}
