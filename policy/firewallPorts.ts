import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  parsePortRange,
  PROTECTED_PORTS,
  PROTECTED_SOURCE_RULE,
  protectedPortExposure,
  protectedPortsIn,
  type ExposureRule,
} from "../domain";
import { checkResources, listOf, stringOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";

/** Protocols whose rules carry ports; a rule of another protocol (icmp, esp, gre) opens no port. */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(["tcp", "udp"]);

/** How many sources a rule's name quotes before "and N more". */
const QUOTED_SOURCES = 4;

/**
 * The protected ports a tcp/udp rule's port spec covers. No port (or Hetzner's "any") means every
 * port; a spec that is no port or range is returned as undefined, so the caller can read it as every port.
 */
function protectedPortsOf(port: unknown): number[] | undefined {
  const spec = stringOf(port)?.trim();
  if (port === undefined || port === null || spec === "" || spec?.toLowerCase() === "any") return [...PROTECTED_PORTS.keys()];
  if (spec === undefined || parsePortRange(spec) === undefined) return undefined;
  return protectedPortsIn(spec);
}

/** An inbound tcp/udp rule as protectedPortExposure sees it, and how a message names it with given sources. */
interface InboundRule {
  readonly rule: ExposureRule;
  /** `rule <index> (in <proto> <port> from <sources>)`. */
  readonly named: (sources: string) => string;
}

function inboundRuleOf(rule: unknown, index: number): InboundRule | undefined {
  if (typeof rule !== "object" || rule === null) return undefined;
  const { direction, protocol, port, sourceIps } = rule as Record<string, unknown>;
  const proto = stringOf(protocol)?.toLowerCase() ?? "";
  if (stringOf(direction) === "out" || !PORT_PROTOCOLS.has(proto)) return undefined;
  // A source that is not a string cannot be read either: String() makes it one the check refuses.
  const sources = (listOf(sourceIps) ?? []).map((ip) => (typeof ip === "string" ? ip : String(ip)));
  const ports = protectedPortsOf(port);
  const unreadable = ports === undefined ? `; its port spec ${JSON.stringify(port)} that is no port or port range is read as every port` : "";
  const named = (quoted: string): string => `rule ${index} (in ${proto} ${stringOf(port) ?? "all ports"} from ${quoted}${unreadable})`;
  const more = sources.length > QUOTED_SOURCES ? ` and ${sources.length - QUOTED_SOURCES} more` : "";
  return { rule: { name: named(`${sources.slice(0, QUOTED_SOURCES).join(", ")}${more}`), ports: ports ?? [...PROTECTED_PORTS.keys()], sources }, named };
}

/**
 * The problems of an hcloud firewall's rules (protectedPortExposure, the check the config validation
 * runs too): each inbound tcp/udp source of a rule that covers a protected port and is too wide or
 * unreadable (named as the rule from that source), and each set of rules whose sources together cover
 * the internet on a protected port. An inbound rule's direction is anything but "out", so a missing
 * direction is checked too.
 */
export function firewallRuleProblems(rules: unknown): string[] {
  const inbound = (listOf(rules) ?? []).map(inboundRuleOf).filter((rule): rule is InboundRule => rule !== undefined);
  return protectedPortExposure(inbound.map(({ rule }) => rule)).map((problem) => {
    const [first] = problem.rules;
    const one = problem.source !== undefined && first !== undefined ? inbound[first]! : undefined;
    const subject = one !== undefined ? `${one.named(one.rule.sources[problem.source!]!)} ` : "";
    return `${subject}${problem.message}; ${PROTECTED_SOURCE_RULE}`;
  });
}

/** Policy 1: no Hetzner firewall rule opens SSH or a store port to the whole internet. */
export const noWorldOpenProtectedPorts: ResourceValidationPolicy = {
  name: "no-world-open-protected-ports",
  description:
    "No hcloud firewall rule opens SSH or a store port (22, 5432, 6379, 6333, 6334, 9000, 9001) to a source wider than /8 (IPv4) or /32 (IPv6), nor to sources that together cover the internet.",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.hcloudFirewall]: (props) => firewallRuleProblems(props["rules"]) }),
};
