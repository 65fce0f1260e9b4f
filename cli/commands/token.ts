/**
 * `frostbyte token create --admin | --tenant <id>` and `frostbyte token revoke <token-id>`: the
 * portal's bearer tokens. A new token is printed once on standard output and only its sha256 is
 * stored; its id (for revoking) goes to standard error.
 */
import type { Command } from "commander";
import { createToken, revokeToken, type TokenScope } from "../../controlplane";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";

export async function tokenCreate(io: CliIo, options: { admin?: boolean; tenant?: string }): Promise<void> {
  if (options.admin === true && options.tenant !== undefined) throw new CliError("give either --admin or --tenant <id>, not both");
  if (options.admin !== true && options.tenant === undefined) throw new CliError("give --admin (every tenant) or --tenant <id> (that tenant only)");
  const scope: TokenScope = options.tenant === undefined ? { kind: "admin" } : { kind: "tenant", tenantId: options.tenant };
  const { token, record } = await withPool(io, (pool) => createToken(pool, scope));
  io.stdout(`${token}\n`);
  const what = scope.kind === "admin" ? "admin token" : `token of tenant "${scope.tenantId}"`;
  io.stderr(`created ${what} ${record.tokenId}; it is shown only now (revoke with: frostbyte token revoke ${record.tokenId})\n`);
}

export async function tokenRevoke(io: CliIo, tokenId: string): Promise<void> {
  const revoked = await withPool(io, (pool) => revokeToken(pool, tokenId));
  if (revoked === undefined) throw new CliError(`no token with id ${JSON.stringify(tokenId)}`);
  io.stdout(`token ${revoked.tokenId} revoked at ${revoked.revokedAt?.toISOString() ?? "?"}\n`);
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const token = program.command("token").description("bearer tokens of the portal (stored hashed)");
  token
    .command("create")
    .description("create a token and print it once: --admin sees every tenant, --tenant <id> only that tenant")
    .option("--admin", "an admin token")
    .option("--tenant <id>", "a token limited to this tenant")
    .action((options: { admin?: boolean; tenant?: string }) => tokenCreate(io, options));
  token
    .command("revoke")
    .description("revoke a token by its id (printed when it was created)")
    .argument("<token-id>", "the token's id")
    .action((tokenId: string) => tokenRevoke(io, tokenId));
}
