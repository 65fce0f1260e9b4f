/** IPv4 / CIDR arithmetic for private networks of the test double (IPv6 is only syntax-checked). */

export interface Cidr {
  /** network address as unsigned 32-bit integer */
  readonly base: number;
  readonly prefix: number;
}

export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Parses `a.b.c.d/p`; returns null unless the address is the network address of the prefix. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const base = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (base === null || prefix > 32) return null;
  if (base % size(prefix) !== 0) return null;
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

export function lastAddress(cidr: Cidr): number {
  return cidr.base + size(cidr.prefix) - 1;
}

export function cidrContainsIp(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip <= lastAddress(cidr);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContainsIp(outer, inner.base);
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

const RFC1918: readonly Cidr[] = [
  { base: 10 * 2 ** 24, prefix: 8 },
  { base: 172 * 2 ** 24 + 16 * 2 ** 16, prefix: 12 },
  { base: 192 * 2 ** 24 + 168 * 2 ** 16, prefix: 16 },
];

export function isPrivateRange(cidr: Cidr): boolean {
  return RFC1918.some((r) => cidrContains(r, cidr));
}

/** First free /24 inside `network` not overlapping any of `taken` (add_subnet without ip_range). */
export function firstFreeSlash24(network: Cidr, taken: readonly Cidr[]): Cidr | null {
  const prefix = Math.max(24, network.prefix);
  for (let base = network.base; base <= lastAddress(network); base += size(prefix)) {
    const candidate = { base, prefix };
    if (!taken.some((t) => cidrOverlaps(t, candidate))) return candidate;
  }
  return null;
}

/** Lowest host address of `subnet` that is neither network/broadcast address nor in `used`. */
export function firstFreeHost(subnet: Cidr, used: ReadonlySet<number>): number | null {
  for (let ip = subnet.base + 1; ip < lastAddress(subnet); ip++) {
    if (!used.has(ip)) return ip;
  }
  return null;
}

/** Loose syntax check for firewall source/destination entries (IPv4 or IPv6 CIDR). */
export function isIpCidr(text: string): boolean {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return false;
  const addr = text.slice(0, slash);
  const prefix = Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0) return false;
  if (addr.includes(":")) return prefix <= 128 && /^[0-9a-fA-F:]+$/.test(addr) && addr.split("::").length <= 2;
  return prefix <= 32 && parseIpv4(addr) !== null;
}
