import type * as hcloud from "@pulumi/hcloud";
import type { TenantConfig } from "../../domain";

/** One inbound rule as the hcloud provider takes it, with plain values. */
export type InboundRule = Required<Pick<hcloud.types.input.FirewallRule, "direction" | "protocol">> & {
  readonly direction: "in";
  readonly protocol: "tcp" | "udp" | "icmp";
  readonly port?: string;
  readonly sourceIps: string[];
  readonly description: string;
};

/**
 * Renders the tenant's inbound firewall rules. Hetzner firewalls drop every inbound packet that no
 * rule allows, so this list is the whole of what can reach the server: SSH from the operator CIDRs,
 * then each configured ingress rule. Suspension keeps only the operators' SSH.
 */
export function firewallRules(network: TenantConfig["network"], suspended: boolean): InboundRule[] {
  const ssh: InboundRule[] =
    network.ssh_cidrs.length > 0
      ? [{ direction: "in", protocol: "tcp", port: "22", sourceIps: [...network.ssh_cidrs], description: "SSH from operator networks" }]
      : [];
  if (suspended) return ssh;
  const ingress = network.ingress.map(
    (rule, index): InboundRule => ({
      direction: "in",
      protocol: rule.protocol,
      ...(rule.port !== undefined ? { port: rule.port } : {}),
      sourceIps: [...rule.source_ips],
      description: rule.description ?? `ingress rule ${index}`,
    }),
  );
  return [...ssh, ...ingress];
}
