/** `frostbyte db migrate`: applies the control-plane schema migrations. */
import type { Command } from "commander";
import { migrateControlPlane } from "../../controlplane";
import { controlDbUrl } from "../controlPlane";
import type { CliIo } from "../io";

export async function dbMigrate(io: CliIo): Promise<void> {
  const applied = await migrateControlPlane(controlDbUrl(io));
  if (applied.length === 0) {
    io.stdout("control-plane database is up to date; no migration to apply\n");
    return;
  }
  io.stdout(`applied ${applied.length} migration(s): ${applied.join(", ")}\n`);
}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command("db").description("control-plane database");
  db.command("migrate")
    .description(`apply pending schema migrations as the migration role (reads FROSTBYTE_CONTROL_DB_URL)`)
    .action(() => dbMigrate(io));
}
