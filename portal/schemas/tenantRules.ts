/**
 * The domain's rules for a tenant id (DESIGN §1) and a tenant config (§6) as JSON Schema, for the
 * OpenAPI document (see documented.ts). Both are built from the domain's own definitions, so the
 * document cannot drift from what the API enforces.
 */
import { z } from "zod";
import { ISOLATION_PROBE_TENANT_ID, MIN_IPV4_PREFIX, MIN_IPV6_PREFIX, PROTECTED_PORTS, PROTECTED_SOURCE_RULE, TENANT_ID_MAX_LENGTH, TENANT_ID_MIN_LENGTH, TENANT_ID_PATTERN, TENANT_ID_RULE, tenantConfigSchema } from "../../domain";
import type { JsonSchema } from "./documented";

/** DESIGN §1: the pattern with "no `--`" as a lookahead, the lengths, and the id reserved for isolation checks. */
export const TENANT_ID_DOCUMENT: JsonSchema = {
  type: "string",
  minLength: TENANT_ID_MIN_LENGTH,
  maxLength: TENANT_ID_MAX_LENGTH,
  pattern: `^(?!.*--)${TENANT_ID_PATTERN.source.slice(1)}`,
  not: { const: ISOLATION_PROBE_TENANT_ID },
  examples: ["acme"],
  description: `tenant id (DESIGN §1): ${TENANT_ID_RULE}; "${ISOLATION_PROBE_TENANT_ID}" is reserved`,
};

type Node = Record<string, unknown>;

/** The node at `path` (keys separated by dots) of a generated schema; throws when the domain's schema changed shape. */
function nodeAt(schema: Node, path: string): Node {
  return path.split(".").reduce<Node>((node, key) => {
    const next = node[key];
    if (typeof next !== "object" || next === null) throw new Error(`tenant config document: no ${path} in the JSON Schema of the domain's tenantConfigSchema (stopped at ${key})`);
    return next as Node;
  }, schema);
}

/** 1–65535 in at most five digits, leading zeros allowed (parsePortRange reads `\d{1,5}`). */
const PORT_DIGITS = "(0{0,4}[1-9]|0{0,3}[1-9]\\d|0{0,2}[1-9]\\d{2}|0?[1-9]\\d{3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])";

/** `(min|…|max)`: the prefix lengths a source may have. */
function prefixLengths(min: number, max: number): string {
  return `(${Array.from({ length: max - min + 1 }, (_, i) => min + i).join("|")})`;
}

/** The `/prefix` at the end of the domain schema's CIDR patterns. */
const PREFIX_PART = /\\\/\([^/]*\)\$$/;

/** A CIDR pattern of the domain's schema with its prefix part limited to `min`–`max`. */
function narrowed(cidr: Node, family: string, min: number, max: number): Node {
  const pattern = cidr["pattern"];
  if (typeof pattern !== "string" || !PREFIX_PART.test(pattern)) throw new Error(`tenant config document: the ${family} CIDR pattern of the domain's schema has no /prefix part`);
  return { type: "string", pattern: pattern.replace(PREFIX_PART, `\\/${prefixLengths(min, max)}$`) };
}

const PORT_RULE =
  'a port 1–65535 or a range "from-to" (from ≤ to); SSH (22) is never opened here, only through network.ssh_cidrs, and a range that covers 22 is refused';

/**
 * The tenant config (DESIGN §6) as callers may write it: every key optional, defaults named.
 * Generated from the domain's zod schema (`io: "input"`); what zod's refinements check is added by
 * hand beside it (unique lists, the port spec, which ingress rules take a port) and the network
 * exposure rule, which no JSON Schema can state, is described.
 */
export function tenantConfigDocument(): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tenantConfigSchema, { io: "input", unrepresentable: "any" }) as Node;
  nodeAt(schema, "properties.classification.properties.labels").uniqueItems = true;
  nodeAt(schema, "properties.mime_allowlist").uniqueItems = true;
  const ingress = nodeAt(schema, "properties.network.properties.ingress.items");
  nodeAt(ingress, "properties").port = {
    description: PORT_RULE,
    anyOf: [
      { type: "integer", minimum: 1, maximum: 65535, not: { const: 22 } },
      { type: "string", pattern: `^${PORT_DIGITS}(-${PORT_DIGITS})?$`, not: { pattern: "^0*22$" } },
    ],
  };
  ingress.oneOf = [
    { properties: { protocol: { const: "icmp" } }, not: { required: ["port"] } },
    { properties: { protocol: { enum: ["tcp", "udp"] } }, required: ["port"] },
  ];
  const ssh = nodeAt(schema, "properties.network.properties.ssh_cidrs.items");
  const [v4, v6] = (ssh["anyOf"] ?? []) as Node[];
  if (v4 === undefined || v6 === undefined) throw new Error("tenant config document: ssh_cidrs items of the domain's schema are not IPv4 | IPv6");
  ssh["anyOf"] = [narrowed(v4, "IPv4", MIN_IPV4_PREFIX, 32), narrowed(v6, "IPv6", MIN_IPV6_PREFIX, 128)];
  ssh["description"] = `a source of SSH: IPv4 /${MIN_IPV4_PREFIX}–/32 or IPv6 /${MIN_IPV6_PREFIX}–/128; an IPv6 source's IPv4-mapped part (::ffff:0:0/96) is held to the IPv4 limit`;
  const protectedPorts = [...PROTECTED_PORTS.keys()].join(", ");
  nodeAt(schema, "properties.network").description =
    `firewall rules (DESIGN §2). ${PROTECTED_SOURCE_RULE}: this applies to network.ssh_cidrs (port 22) and to every tcp/udp ingress rule whose port or range reaches ${protectedPorts}. ` +
    "Such sources are read strictly: a.b.c.d/n without leading zeros, or an IPv6 address/n without a zone.";
  return schema;
}
