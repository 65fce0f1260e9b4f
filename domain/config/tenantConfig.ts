import { z } from "zod";
import { ConfigValidationError, problemsFromZod } from "./errors";
import { parsePortRange, PROTECTED_SOURCE_RULE, protectedPortExposure, protectedPortsIn, type ExposureRule } from "./network";

/** The only embedding size the platform's collections accept (DESIGN §1, §6). */
export const EMBEDDING_DIMENSIONS = 768;

/** Hetzner Cloud locations a tenant server may be placed in. */
export const HETZNER_LOCATIONS = ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"] as const;

const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: "must be an IPv4 or IPv6 CIDR, e.g. 203.0.113.0/24" });

/** Text the registry can store: PostgreSQL's jsonb holds no NUL character (U+0000). */
// eslint-disable-next-line no-control-regex -- NUL itself is what the rule refuses; a pattern (not a refine) puts it in the OpenAPI document
const freeText = z.string().regex(/^[^\x00]*$/, { error: "must not contain the NUL character (U+0000)" });

const portSpec = z
  .union([z.int(), z.string()])
  .transform((value) => String(value))
  .refine((value) => parsePortRange(value) !== undefined, { error: 'must be a port 1–65535 or a range "from-to"' });

const ingressRule = z
  .strictObject({
    description: freeText.max(255).optional(),
    protocol: z.enum(["tcp", "udp", "icmp"]),
    port: portSpec.optional(),
    source_ips: z.array(cidr).min(1, { error: "must list at least one CIDR" }),
  })
  .superRefine((rule, ctx) => {
    if (rule.protocol === "icmp") {
      if (rule.port !== undefined) ctx.addIssue({ code: "custom", path: ["port"], message: "icmp rules take no port" });
      return;
    }
    if (rule.port === undefined) {
      ctx.addIssue({ code: "custom", path: ["port"], message: `${rule.protocol} rules need a port` });
      return;
    }
    if (protectedPortsIn(rule.port).includes(22)) {
      ctx.addIssue({ code: "custom", path: ["port"], message: "SSH (22) is opened only through network.ssh_cidrs" });
    }
  });

/** A list's CIDR strings with their indexes; entries that are no CIDR at all are left to the `cidr` schema's own error. */
function cidrsOf(list: unknown): { sources: string[]; indexes: number[] } {
  const entries = (Array.isArray(list) ? list : []).map((value: unknown, index) => ({ value, index }));
  const valid = entries.filter((entry): entry is { value: string; index: number } => cidr.safeParse(entry.value).success);
  return { sources: valid.map((entry) => entry.value), indexes: valid.map((entry) => entry.index) };
}

/**
 * The network's rules as protectedPortExposure sees them: ssh_cidrs on 22, each tcp/udp ingress rule
 * on the protected ports its port range covers (22 excepted: such a rule is refused on its port).
 * Reads the value defensively, because it runs even when another network key failed to parse.
 */
function exposureRulesOf(network: unknown): { rules: ExposureRule[]; paths: PropertyKey[][]; indexes: number[][] } {
  const { ssh_cidrs: sshCidrs, ingress } = network as Record<string, unknown>;
  const ssh = cidrsOf(sshCidrs);
  const rules: ExposureRule[] = [{ name: "network.ssh_cidrs", ports: [22], sources: ssh.sources }];
  const paths: PropertyKey[][] = [["ssh_cidrs"]];
  const indexes = [ssh.indexes];
  (Array.isArray(ingress) ? ingress : []).forEach((rule: unknown, index) => {
    if (typeof rule !== "object" || rule === null) return;
    const { protocol, port, source_ips: sourceIps } = rule as Record<string, unknown>;
    if ((protocol !== "tcp" && protocol !== "udp") || (typeof port !== "string" && typeof port !== "number")) return;
    const sources = cidrsOf(sourceIps);
    rules.push({ name: `network.ingress[${index}].source_ips`, ports: protectedPortsIn(String(port)).filter((p) => p !== 22), sources: sources.sources });
    paths.push(["ingress", index, "source_ips"]);
    indexes.push(sources.indexes);
  });
  return { rules, paths, indexes };
}

/** Reports protectedPortExposure's problems at the source's path, the one rule's sources, or `network` for a union of several rules. */
function checkExposure(network: unknown, ctx: z.RefinementCtx): void {
  const { rules, paths, indexes } = exposureRulesOf(network);
  for (const problem of protectedPortExposure(rules)) {
    const [first] = problem.rules;
    const base = problem.rules.length === 1 && first !== undefined ? paths[first]! : [];
    const path = problem.source !== undefined && first !== undefined ? [...base, indexes[first]![problem.source]!] : base;
    ctx.addIssue({ code: "custom", path, message: `${problem.message} — ${PROTECTED_SOURCE_RULE}` });
  }
}

const mimeType = z
  .string()
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, { error: "must be a MIME type like application/pdf" });

const label = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: "must be 1–63 of a-z, 0-9, _ and -" });

function unique<T>(items: readonly T[]): boolean {
  return new Set(items).size === items.length;
}

/** The schema of a tenant's config (DESIGN §6); missing keys take the defaults, unknown keys are errors. */
export const tenantConfigSchema = z.strictObject({
  // The registry stores it in an INT column.
  config_version: z.int().min(1).max(2_147_483_647).default(1),
  pii: z.strictObject({ mode: z.enum(["redact", "flag", "block"]).default("redact") }).prefault({}),
  classification: z
    .strictObject({
      enabled: z.boolean().default(false),
      labels: z.array(label).max(64).refine(unique, { error: "labels must be unique" }).default([]),
    })
    .prefault({}),
  injection: z.strictObject({ threshold: z.number().min(0).max(1).default(0.8) }).prefault({}),
  mime_allowlist: z
    .array(mimeType)
    .min(1)
    .max(100)
    .refine(unique, { error: "MIME types must be unique" })
    .default(["application/pdf", "text/plain", "text/markdown", "text/html"]),
  generation_enabled: z.boolean().default(false),
  embedding: z
    .strictObject({
      model: freeText.min(1).max(128).default("nomic-embed-text-v1.5"),
      dimensions: z.literal(EMBEDDING_DIMENSIONS, { error: `must be ${EMBEDDING_DIMENSIONS}` }).default(EMBEDDING_DIMENSIONS),
    })
    .prefault({}),
  retention_days: z.int().min(1).max(3650).default(365),
  server: z
    .strictObject({
      type: z.string().regex(/^[a-z0-9-]{2,32}$/, { error: "must be a Hetzner server type such as cx22" }).default("cx22"),
      location: z.enum(HETZNER_LOCATIONS).default("fsn1"),
      image: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,63}$/, { error: "must be a Hetzner image name such as debian-12" }).default("debian-12"),
    })
    .prefault({}),
  network: z
    .strictObject({
      ssh_cidrs: z.array(cidr).max(32).default([]),
      ingress: z.array(ingressRule).max(50).default([]),
    })
    .superRefine(checkExposure, { when: ({ value }) => typeof value === "object" && value !== null })
    .prefault({}),
  quotas: z
    .strictObject({
      storage_gb: z.int().min(1).max(10_000).default(50),
      max_documents: z.int().min(1).max(1_000_000_000).default(100_000),
      db_connections: z.int().min(1).max(500).default(20),
    })
    .prefault({}),
});

/** A tenant config with every default filled in. */
export type TenantConfig = z.output<typeof tenantConfigSchema>;
/** What a caller may write: every key optional. */
export type TenantConfigInput = z.input<typeof tenantConfigSchema>;

/** Validates a tenant config and fills in defaults; errors name each failing path under `root`. */
export function parseTenantConfig(input: unknown, root = "config"): TenantConfig {
  const result = tenantConfigSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigValidationError(problemsFromZod(root, result.error));
  return result.data;
}
