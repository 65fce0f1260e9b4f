/** `frostbyte db migrate`: applies the control-plane schema migrations. */
import type { Command } from "commander";
import { migrateControlPlane } from "../../controlplane";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import { controlDbUrl } from "../controlPlane";
import { CliError, type CliIo } from "../io";

/** A superuser's URL of the tenant-database server, for `db prepare-tenant-server` (never on the command line). */
export const TENANT_DB_URL_ENV = "FROSTBYTE_TENANT_DB_URL";

export async function dbMigrate(io: CliIo): Promise<void> {
  const applied = await migrateControlPlane(controlDbUrl(io));
  if (applied.length === 0) {
    io.stdout("control-plane database is up to date; no migration to apply\n");
    return;
  }
  io.stdout(`applied ${applied.length} migration(s): ${applied.join(", ")}\n`);
}

/** `frostbyte db prepare-tenant-server`: closes the server's own databases to tenants, once per server. */
export async function dbPrepareTenantServer(io: CliIo, adminRoles: readonly string[]): Promise<void> {
  const url = io.env[TENANT_DB_URL_ENV]?.trim();
  if (!url) throw new CliError(`${TENANT_DB_URL_ENV} is not set; set it to a superuser's URL of the tenant-database server, e.g. postgresql://postgres@tenants-db.internal:5432/postgres`);
  const done = await prepareTenantPostgresServer(url, adminRoles);
  io.stdout(
    `closed to PUBLIC: ${done.closed.length > 0 ? done.closed.join(", ") : "nothing (already closed)"}; ` +
      `CONNECT on postgres and pg_signal_backend granted to ${done.adminRoles.join(", ")}\n`,
  );
  if (done.stillOpen.length > 0) {
    io.stderr(
      `warning: PUBLIC may still connect to ${done.stillOpen.join(", ")}, which tenant roles can then reach too; ` +
        "close each with REVOKE ALL ON DATABASE <name> FROM PUBLIC (a control-plane database closes itself with frostbyte db migrate)\n",
    );
  }
}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command("db").description("control-plane database");
  db.command("migrate")
    .description(`apply pending schema migrations as the migration role (reads FROSTBYTE_CONTROL_DB_URL)`)
    .action(() => dbMigrate(io));
  db.command("prepare-tenant-server")
    .description(`once per tenant-database server: close postgres and template1 to PUBLIC, let the admin role connect and end tenant sessions (reads ${TENANT_DB_URL_ENV})`)
    .requiredOption("--admin-role <role...>", "the role tenant stacks log in as (postgresql:username)")
    .action((options: { adminRole: string[] }) => dbPrepareTenantServer(io, options.adminRole));
}
