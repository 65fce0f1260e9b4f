/** `frostbyte audit verify <id>`: recomputes a tenant's audit hash chain; exit 1 on the first bad event. */
import type { Command } from "commander";
import { withRegistry } from "../controlPlane";
import { CliError, type CliIo } from "../io";

export async function auditVerify(io: CliIo, tenantId: string): Promise<void> {
  const result = await withRegistry(io, (registry) => registry.verifyChain(tenantId));
  if (result.ok) {
    io.stdout(`audit chain of tenant "${tenantId}" is intact: ${result.checked} event(s) verified\n`);
    return;
  }
  const bad = result.firstBad;
  const where = bad?.eventId ? `event ${bad.eventId} (chain position ${bad.chainSeq})` : `chain position ${bad?.chainSeq ?? 1}`;
  throw new CliError(`audit chain of tenant "${tenantId}" is broken at ${where}: ${bad?.reason ?? "unknown reason"}`);
}

export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command("audit").description("the control-plane audit log");
  audit
    .command("verify")
    .description("recompute a tenant's audit hash chain; exit 1 and name the first bad event when it is broken")
    .argument("<id>", "tenant id")
    .action((id: string) => auditVerify(io, id));
}
