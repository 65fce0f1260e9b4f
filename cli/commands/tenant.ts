/** `frostbyte tenant list|show <id>`: reads the registry; `create <id>` registers a tenant; `rotate|suspend|resume <id>` (tenantOperations.ts) drive the tenant's stack. */
import type { Command } from "commander";
import { driftOf, TenantRegistry, type Tenant } from "../../controlplane";
import { withPool, withRegistry } from "../controlPlane";
import type { CliIo } from "../io";
import { tenantCreate, type TenantCreateOptions } from "./tenantCreate";
import { registerTenantOperations } from "./tenantOperations";

const LIST_HEADER = ["TENANT", "STATE", "CONFIG VERSION", "CREATED", "UPDATED"] as const;

function listRow(tenant: Tenant): string[] {
  return [tenant.tenantId, tenant.state, String(tenant.configVersion), tenant.createdAt.toISOString(), tenant.updatedAt.toISOString()];
}

/** Left-aligned columns, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")).join("\n") + "\n";
}

export async function tenantList(io: CliIo): Promise<void> {
  const tenants = await withRegistry(io, (registry) => registry.listTenants());
  if (tenants.length === 0) {
    io.stdout("no tenants in the registry\n");
    return;
  }
  io.stdout(formatTable([LIST_HEADER, ...tenants.map(listRow)]));
}

/** The registry row and the last drift check (`drift`: null when never checked; migration 014). */
export async function tenantShow(io: CliIo, tenantId: string): Promise<void> {
  const shown = await withPool(io, async (pool) => {
    const tenant = await new TenantRegistry(pool).getTenant(tenantId);
    const check = await driftOf(pool, tenantId);
    const drift = check === null ? null : { checkedAt: check.checkedAt, result: check.result, changes: check.changes, error: check.error, operationId: check.operationId };
    return { ...tenant, drift };
  });
  io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
}

export function registerTenantCommands(program: Command, io: CliIo): void {
  const tenant = program.command("tenant").description("tenants in the control-plane registry");
  tenant.command("list").description("list every tenant with its state").action(() => tenantList(io));
  tenant
    .command("show")
    .description("show one tenant's registry row and its last drift check as JSON")
    .argument("<id>", "tenant id")
    .action((id: string) => tenantShow(io, id));
  tenant
    .command("create")
    .description("register a tenant in the control plane (PENDING, TENANT_CREATED); its stack provisions it")
    .argument("<id>", "tenant id (DESIGN §1)")
    .option("--config <file>", "tenant config (DESIGN §6) as YAML or JSON; defaults fill in the rest")
    .action((id: string, options: TenantCreateOptions) => tenantCreate(io, id, options));
  registerTenantOperations(tenant, io);
}
