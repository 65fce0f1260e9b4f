/** What `local up` prints: the tenant's stack outputs (credentials stay hidden) and its registry row. */
import type { OutputMap } from "@pulumi/pulumi/automation";
import { createControlPlanePool, TenantRegistry } from "../controlplane";

/** The outputs as `pulumi stack output` shows them: secrets as [secret]. */
export function formatOutputs(outputs: OutputMap): string {
  const shown = Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, hideSecrets(output.value, output.secret)]));
  return JSON.stringify(shown, null, 2);
}

function hideSecrets(value: unknown, secret: boolean): unknown {
  if (secret) return "[secret]";
  if (Array.isArray(value)) return value.map((item) => hideSecrets(item, false));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === "credentials" ? "[secret]" : hideSecrets(item, false)]));
  }
  return value;
}

/** The tenants' registry rows, their audit events and whether each chain verifies. */
export async function formatRegistry(controlPlaneUrl: string, tenantIds: readonly string[]): Promise<string> {
  const pool = createControlPlanePool(controlPlaneUrl, { max: 2 });
  try {
    const registry = new TenantRegistry(pool);
    const parts: string[] = [];
    for (const id of tenantIds) {
      const tenant = await registry.getTenant(id);
      const events = await registry.listEvents(id);
      const chain = await registry.verifyChain(id);
      parts.push(
        `registry row of ${id}:\n${JSON.stringify(tenant, null, 2)}`,
        `audit events of ${id} (chain ${chain.ok ? "verified" : "BROKEN"}):\n${events.map((event) => `  ${event.occurredAt}  ${event.eventType}`).join("\n")}`,
      );
    }
    return parts.join("\n\n");
  } finally {
    await pool.end();
  }
}
