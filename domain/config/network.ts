import { IPv4, IPv6 } from "ipaddr.js";

/** Ports that are never opened to the whole internet: SSH and every store's port. */
export const PROTECTED_PORTS: ReadonlyMap<number, string> = new Map([
  [22, "SSH"],
  [5432, "PostgreSQL"],
  [6379, "Redis"],
  [6333, "Qdrant HTTP"],
  [6334, "Qdrant gRPC"],
  [9000, "MinIO API"],
  [9001, "MinIO console"],
]);

/**
 * The shortest IPv4 prefix a source of SSH or a store port may have (a /8 is 16.7 million addresses).
 * A /8 is the largest block ever allocated to one organisation, so no operator or partner network is
 * wider: anything shorter spans unrelated networks. IPv4-mapped IPv6 sources (`::ffff:a.b.c.d/n`)
 * are held to it too, through their IPv4 equivalent (`/n-96`).
 */
export const MIN_IPV4_PREFIX = 8;

/**
 * The shortest IPv6 prefix a source of SSH or a store port may have. A /32 is the smallest block a
 * regional registry allocates to one ISP, so anything shorter spans several providers' customers.
 */
export const MIN_IPV6_PREFIX = 32;

/** The rule the firewall checks enforce, as the config validation and the policy pack state it. */
export const PROTECTED_SOURCE_RULE =
  `ports ${[...PROTECTED_PORTS].map(([port, label]) => `${port} (${label})`).join(", ")} accept only sources of ` +
  `/${MIN_IPV4_PREFIX} or narrower (IPv4, IPv4-mapped IPv6 included) and /${MIN_IPV6_PREFIX} or narrower (IPv6), ` +
  "never sources that together cover the internet (DESIGN §2)";

/** Parses a Hetzner-style port spec ("443" or "8000-8100") into an inclusive range. */
export function parsePortRange(spec: string): { from: number; to: number } | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || from > to) return undefined;
  return { from, to };
}

/** The protected ports a port spec covers (an unparseable spec covers none). */
export function protectedPortsIn(spec: string): number[] {
  const range = parsePortRange(spec);
  if (!range) return [];
  return [...PROTECTED_PORTS.keys()].filter((port) => port >= range.from && port <= range.to);
}

type Family = "IPv4" | "IPv6";

/** The addresses one CIDR covers, as an inclusive range of integers within its family. */
export interface CidrRange {
  readonly family: Family;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
  /** The network in canonical form, host bits cleared (`1.2.3.4/0` is `0.0.0.0/0`). */
  readonly network: string;
}

const BITS: Readonly<Record<Family, number>> = { IPv4: 32, IPv6: 128 };

function rangeOf(family: Family, bytes: readonly number[], prefix: number): CidrRange {
  const hostBits = BigInt(BITS[family] - prefix);
  const value = bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  const first = (value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, prefix, first, last, network: `${addressText(family, first)}/${prefix}` };
}

function addressText(family: Family, value: bigint): string {
  const [count, bits, mask] = family === "IPv4" ? [4, 8n, 0xffn] : [8, 16n, 0xffffn];
  const parts = Array.from({ length: count }, (_, i) => Number((value >> (bits * BigInt(count - 1 - i))) & mask));
  return family === "IPv4" ? new IPv4(parts).toString() : new IPv6(parts).toRFC5952String();
}

/**
 * Reads a CIDR strictly: `a.b.c.d/n` in four decimal parts without leading zeros, or an IPv6 address
 * (groups of 1–4 hex digits, an optional dotted IPv4 tail, no zone) and `/n`, with `n` written without
 * leading zeros. Anything else — `010.0.0.0/8` (octal to some parsers), `10/8`, `0x7f.0.0.1/32`,
 * `fe80::1%eth0/64`, a bare address — is undefined, so a caller refuses it rather than guess what a
 * firewall would make of it. Host bits are cleared: the prefix decides what a CIDR opens, so
 * `1.2.3.4/0` is judged as `0.0.0.0/0`.
 */
export function parseCidr(text: string): CidrRange | undefined {
  const match = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!match) return undefined;
  const [, address = "", prefixText = ""] = match;
  const prefix = Number(prefixText);
  if (IPv4.isValidFourPartDecimal(address)) {
    return prefix <= 32 ? rangeOf("IPv4", IPv4.parse(address).toByteArray(), prefix) : undefined;
  }
  if (!address.includes(":") || address.includes("%") || prefix > 128 || !IPv6.isValid(address)) return undefined;
  const groups = address.split(":");
  const tail = groups.at(-1) ?? "";
  const dotted = tail.includes(".");
  if (dotted && !IPv4.isValidFourPartDecimal(tail)) return undefined;
  if (!(dotted ? groups.slice(0, -1) : groups).every((group) => /^[0-9a-f]{0,4}$/i.test(group))) return undefined;
  return rangeOf("IPv6", IPv6.parse(address).toByteArray(), prefix);
}

/** `::ffff:0:0/96`: IPv4 addresses written as IPv6. */
const MAPPED = { first: 0xffffn << 32n, last: (0xffffn << 32n) | 0xffffffffn };

/**
 * The IPv4 addresses a range holds: itself for IPv4; for IPv6 its part of `::ffff:0:0/96`. On the
 * wire no IPv4 packet carries a mapped source, but dual-stack sockets show IPv4 peers that way and a
 * firewall or translator in front may too; judged as IPv6, `::ffff:0:0/96` would look narrow (a /96)
 * while meaning every IPv4 address. So the mapped part counts as IPv4, for the prefix limit and the
 * union alike. Other embeddings (`::a.b.c.d/96`, NAT64 `64:ff9b::/96`) are judged as plain IPv6.
 */
export function ipv4View(range: CidrRange): CidrRange | undefined {
  if (range.family === "IPv4") return range;
  if (range.first <= MAPPED.first && range.last >= MAPPED.last) return rangeOf("IPv4", [0, 0, 0, 0], 0);
  if (range.first < MAPPED.first || range.last > MAPPED.last) return undefined;
  const first = range.first - MAPPED.first;
  const prefix = range.prefix - 96;
  return { family: "IPv4", prefix, first, last: range.last - MAPPED.first, network: `${addressText("IPv4", first)}/${prefix}` };
}

/** True when the CIDR alone is every IPv4 or every IPv6 address (`0.0.0.0/0`, `0::/0`, `1.2.3.4/0`, `::ffff:0:0/96`). */
export function isWorldCidr(cidr: string): boolean {
  const range = parseCidr(cidr.trim());
  return range !== undefined && (range.prefix === 0 || ipv4View(range)?.prefix === 0);
}

/** One inbound rule as the exposure check sees it. */
export interface ExposureRule {
  /** How messages name the rule, e.g. `network.ingress[2].source_ips` or `rule 2 (in tcp 5432 from …)`. */
  readonly name: string;
  /** The protected ports it reaches (see protectedPortsIn); a rule that reaches none is not judged. */
  readonly ports: readonly number[];
  /** Its sources as written. */
  readonly sources: readonly string[];
}

/** One way a set of rules opens a protected port too widely. */
export interface ExposureProblem {
  /** Indexes of the rules concerned: the one rule of a single source, or every rule of a union. */
  readonly rules: readonly number[];
  /** For a single source: its index in that rule's sources (its message does not name the rule). */
  readonly source?: number;
  readonly message: string;
}

/**
 * Blocks no internet client connects from: private, shared (CGNAT), loopback, link-local,
 * documentation and benchmarking, multicast and reserved (RFC 6890); for IPv6, all but global unicast
 * `2000::/3` (its IPv4-mapped part is judged as IPv4). Sources that cover everything else are the
 * whole internet even though they leave these out.
 */
const NOT_INTERNET: Readonly<Record<Family, readonly CidrRange[]>> = {
  IPv4: ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.2.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"].map((cidr) => parseCidr(cidr)!),
  IPv6: ["::/3", "4000::/2", "8000::/1"].map((cidr) => parseCidr(cidr)!),
};

/** True when the ranges, with the blocks no internet client uses, leave no address of the family out. */
function coversInternet(family: Family, ranges: readonly CidrRange[]): boolean {
  const sorted = [...ranges, ...NOT_INTERNET[family]].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = 0n;
  for (const range of sorted) {
    if (range.first > next) return false;
    if (range.last + 1n > next) next = range.last + 1n;
  }
  return next === 1n << BigInt(BITS[family]);
}

function portList(ports: readonly number[]): string {
  return ports.map((port) => `${PROTECTED_PORTS.get(port) ?? "port"} (${port})`).join(", ");
}

function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Why one source is too wide for a protected port, as the end of "opens <ports> to …", or undefined when it is narrow enough. */
function sourceProblem(source: string, range: CidrRange | undefined): string | undefined {
  if (range === undefined) {
    return `a source it cannot read: ${JSON.stringify(source)} is not a CIDR (write a.b.c.d/n without leading zeros, or an IPv6 address/n)`;
  }
  const readAs = range.network === source ? [] : [`read as ${range.network}`];
  const written = (notes: readonly string[]): string => (notes.length === 0 ? source : `${source} (${notes.join(", ")})`);
  const v4 = ipv4View(range);
  if (range.prefix === 0) return `the whole internet: ${written(readAs)} is every ${range.family} address`;
  if (v4?.prefix === 0) return `the whole internet: ${written(readAs)} holds every IPv4 address as IPv4-mapped IPv6`;
  if (range.family === "IPv6" && range.prefix < MIN_IPV6_PREFIX) return `${written(readAs)}, an IPv6 /${range.prefix}, wider than /${MIN_IPV6_PREFIX}`;
  if (v4 !== undefined && v4.prefix < MIN_IPV4_PREFIX) {
    const notes = range.family === "IPv6" ? [...readAs, `IPv4 ${v4.network} as IPv4-mapped IPv6`] : readAs;
    return `${written(notes)}, an IPv4 /${v4.prefix} (${(v4.last - v4.first + 1n).toLocaleString("en")} addresses), wider than /${MIN_IPV4_PREFIX}`;
  }
  return undefined;
}

/**
 * The one check of SSH and store ports (DESIGN §2), for the config validation and the policy pack:
 * every source of a rule that reaches a protected port must parse strictly (parseCidr) and be no wider
 * than MIN_IPV4_PREFIX / MIN_IPV6_PREFIX (an IPv6 source's IPv4-mapped part counts as IPv4), and the
 * sources of all rules that reach the same protected port, tcp or udp alike, must not together cover
 * every address the internet connects from, in either family. A source that fails on its own is
 * reported on its own and left out of the union, so one mistake gives one problem.
 */
export function protectedPortExposure(rules: readonly ExposureRule[]): ExposureProblem[] {
  const problems: ExposureProblem[] = [];
  const accepted: { rule: number; range: CidrRange }[] = [];
  rules.forEach((rule, index) => {
    if (rule.ports.length === 0) return;
    rule.sources.forEach((source, sourceIndex) => {
      const range = parseCidr(source);
      const problem = sourceProblem(source, range);
      if (problem !== undefined) {
        problems.push({ rules: [index], source: sourceIndex, message: `opens ${portList(rule.ports)} to ${problem}` });
        return;
      }
      accepted.push({ rule: index, range: range! });
      const v4 = ipv4View(range!);
      if (range!.family === "IPv6" && v4 !== undefined) accepted.push({ rule: index, range: v4 });
    });
  });
  const unions = new Map<string, { family: Family; rules: number[]; ports: number[] }>();
  for (const port of PROTECTED_PORTS.keys()) {
    for (const family of ["IPv4", "IPv6"] as const) {
      const reaching = accepted.filter(({ rule, range }) => range.family === family && rules[rule]!.ports.includes(port));
      if (reaching.length === 0 || !coversInternet(family, reaching.map(({ range }) => range))) continue;
      const contributors = [...new Set(reaching.map(({ rule }) => rule))].sort((a, b) => a - b);
      const key = `${family} ${contributors.join(",")}`;
      const union = unions.get(key) ?? { family, rules: contributors, ports: [] };
      union.ports.push(port);
      unions.set(key, union);
    }
  }
  for (const { family, rules: contributors, ports } of unions.values()) {
    const names = listed(contributors.map((index) => rules[index]!.name));
    const [verb, whose] = contributors.length === 1 ? ["opens", "its sources"] : ["together open", "their sources"];
    problems.push({
      rules: contributors,
      message: `${names} ${verb} ${portList(ports)} to the whole internet: ${whose} cover every ${family} address outside the blocks no internet client connects from (private, loopback, link-local, documentation, multicast, reserved${family === "IPv6" ? ", everything outside 2000::/3" : ""})`,
    });
  }
  return problems;
}
