/**
 * `frostbyte tenant create <id> [--config FILE]`: registers a tenant in the control plane (PENDING,
 * with TENANT_CREATED), the registry's first step, for operators who drive stacks with `pulumi`
 * themselves. Nothing in any store is touched: the tenant's stack provisions it.
 */
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { parse as parseYaml } from "yaml";
import { withRegistry } from "../controlPlane";
import { CliError, type CliIo } from "../io";

export interface TenantCreateOptions {
  /** A YAML or JSON file holding the tenant config (DESIGN §6); defaults fill in what it leaves out. */
  readonly config?: string;
}

/** Who the audit event names: the operator's login, as `cli:<user>`. */
export function cliActor(io: CliIo): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = io.env["USER"];
  }
  return `cli:${user === undefined || user === "" ? "unknown" : user}`;
}

async function readTenantConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`--config ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new CliError(`--config ${path}: not YAML or JSON: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}

export async function tenantCreate(io: CliIo, tenantId: string, options: TenantCreateOptions): Promise<void> {
  const config = options.config === undefined ? {} : await readTenantConfig(options.config);
  const tenant = await withRegistry(io, (registry) => registry.createTenant(tenantId, { actor: cliActor(io), config }));
  io.stdout(`tenant "${tenant.tenantId}" registered: ${tenant.state}, config_version ${tenant.configVersion}\n`);
}
