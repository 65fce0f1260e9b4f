import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isWorldCidr, parsePortRange, PROTECTED_PORTS, protectedPortsIn } from "../components/validation/network";
import { checkResources, listOf, stringOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";

/** Protocols whose rules carry ports; a rule of another protocol (icmp, esp, gre) opens no port. */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(["tcp", "udp"]);

const RULE = `ports ${[...PROTECTED_PORTS].map(([port, label]) => `${port} (${label})`).join(", ")} are never open to 0.0.0.0/0 or ::/0 (DESIGN §2)`;

/** True when the CIDR is the whole IPv4 or IPv6 internet, also when written with another address and a /0 prefix. */
export function isWholeInternet(cidr: string): boolean {
  return isWorldCidr(cidr) || /\/0+$/.test(cidr.trim());
}

/**
 * The protected ports a tcp/udp rule's port spec covers. No port (or Hetzner's "any") means every
 * port; a spec that is no port or range is returned as undefined, so the caller can refuse it.
 */
function protectedPortsOf(port: unknown): number[] | undefined {
  const spec = stringOf(port)?.trim();
  if (port === undefined || port === null || spec === "" || spec?.toLowerCase() === "any") return [...PROTECTED_PORTS.keys()];
  if (spec === undefined || parsePortRange(spec) === undefined) return undefined;
  return protectedPortsIn(spec);
}

/**
 * The problems of an hcloud firewall's rules: each inbound tcp/udp rule from the whole internet that
 * covers a protected port. An inbound rule's direction is anything but "out", so a missing direction
 * is checked too.
 */
export function firewallRuleProblems(rules: unknown): string[] {
  const problems: string[] = [];
  (listOf(rules) ?? []).forEach((rule, index) => {
    if (typeof rule !== "object" || rule === null) return;
    const { direction, protocol, port, sourceIps } = rule as Record<string, unknown>;
    if (stringOf(direction) === "out") return;
    const proto = stringOf(protocol)?.toLowerCase() ?? "";
    if (!PORT_PROTOCOLS.has(proto)) return;
    const world = (listOf(sourceIps) ?? []).filter((ip): ip is string => typeof ip === "string" && isWholeInternet(ip));
    if (world.length === 0) return;
    const portText = stringOf(port) ?? "all ports";
    const where = `rule ${index} (in ${proto} ${portText} from ${world.join(", ")})`;
    const ports = protectedPortsOf(port);
    if (ports === undefined) {
      problems.push(`${where} has a port spec ${JSON.stringify(port)} that is no port or port range, so it cannot be shown to keep protected ports closed; ${RULE}`);
    } else if (ports.length > 0) {
      const opened = ports.map((p) => `${PROTECTED_PORTS.get(p)} (${p})`).join(", ");
      problems.push(`${where} opens ${opened} to the whole internet; ${RULE}`);
    }
  });
  return problems;
}

/** Policy 1: no Hetzner firewall rule opens SSH or a store port to the whole internet. */
export const noWorldOpenProtectedPorts: ResourceValidationPolicy = {
  name: "no-world-open-protected-ports",
  description: "No hcloud firewall rule opens SSH or a store port (22, 5432, 6379, 6333, 6334, 9000, 9001) to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.hcloudFirewall]: (props) => firewallRuleProblems(props["rules"]) }),
};
