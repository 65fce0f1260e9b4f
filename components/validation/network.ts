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

/** CIDRs meaning "anyone on the internet". */
export const WORLD_CIDRS: ReadonlySet<string> = new Set(["0.0.0.0/0", "::/0"]);

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

/** True when the CIDR is the whole IPv4 or IPv6 internet. */
export function isWorldCidr(cidr: string): boolean {
  return WORLD_CIDRS.has(cidr.trim());
}
