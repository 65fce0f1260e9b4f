import { describe, expect, it } from "vitest";
import {
  ConfigValidationError,
  ipv4View,
  isWorldCidr,
  MIN_IPV4_PREFIX,
  MIN_IPV6_PREFIX,
  parseCidr,
  parseTenantConfig,
  protectedPortExposure,
  type ExposureRule,
} from "../../domain";

/** Every public /8: all 256 but 0/8, 10/8, 127/8 and 224/8–255/8, which no internet client connects from. */
const PUBLIC_EIGHTS: readonly number[] = Array.from({ length: 224 }, (_, i) => i).filter((i) => ![0, 10, 127].includes(i));
const v4Eights = (firsts: readonly number[]): string[] => firsts.map((i) => `${i}.0.0.0/8`);
/** The same /8s written as IPv4-mapped IPv6 (`::ffff:XX00:0/104`). */
const mappedEights = (firsts: readonly number[]): string[] => firsts.map((i) => `::ffff:${(i << 8).toString(16)}:0/104`);

function rule(sources: readonly string[], ports: readonly number[] = [5432], name = "R"): ExposureRule {
  return { name, ports, sources };
}

/** The config problems of a network section, as `path: message` lines. */
function configProblems(network: unknown): string[] {
  try {
    parseTenantConfig({ network });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe("parseCidr: strict reading, host bits cleared", () => {
  it.each([
    ["0.0.0.0/0", "IPv4", 0, "0.0.0.0/0"],
    ["1.2.3.4/0", "IPv4", 0, "0.0.0.0/0"],
    ["10.1.2.3/8", "IPv4", 8, "10.0.0.0/8"],
    ["198.51.100.7/32", "IPv4", 32, "198.51.100.7/32"],
    ["0::/0", "IPv6", 0, "::/0"],
    ["::0/0", "IPv6", 0, "::/0"],
    ["0:0:0:0:0:0:0:0/0", "IPv6", 0, "::/0"],
    ["2001:DB8::/32", "IPv6", 32, "2001:db8::/32"],
    ["::ffff:0.0.0.0/96", "IPv6", 96, "::ffff:0:0/96"],
  ] as const)("%s is %s /%i, network %s", (text, family, prefix, network) => {
    expect(parseCidr(text)).toMatchObject({ family, prefix, network });
  });

  it.each([
    "010.0.0.0/8", "10/8", "10.0.0/8", "0x7f.0.0.1/32", "1.2.3.4", "1.2.3.4/33", "1.2.3.4/08", "0.0.0.0/00", "256.0.0.0/8",
    " 0.0.0.0/0", "0.0.0.0/0 ", "00000::/0", "::/129", "fe80::1%eth0/64", "::ffff:010.0.0.1/128", "1:2:3:4:5:6:7:8:9/128", "", "/0",
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("computes the inclusive range", () => {
    expect(parseCidr("10.0.0.0/8")).toMatchObject({ first: 0x0a000000n, last: 0x0affffffn });
    expect(parseCidr("::/0")).toMatchObject({ first: 0n, last: (1n << 128n) - 1n });
  });
});

describe("ipv4View and isWorldCidr", () => {
  it("reads IPv4-mapped IPv6 as IPv4, and an IPv6 range holding all of ::ffff:0:0/96 as every IPv4 address", () => {
    expect(ipv4View(parseCidr("::ffff:c000:0/104")!)?.network).toBe("192.0.0.0/8");
    expect(ipv4View(parseCidr("::ffff:0:0/96")!)?.network).toBe("0.0.0.0/0");
    expect(ipv4View(parseCidr("::/64")!)?.network).toBe("0.0.0.0/0");
    expect(ipv4View(parseCidr("2001:db8::/32")!)).toBeUndefined();
    expect(ipv4View(parseCidr("::fffe:0:0/96")!)).toBeUndefined();
  });

  it("knows the whole internet in every spelling", () => {
    for (const world of ["0.0.0.0/0", "::/0", "0::/0", "::0/0", "1.2.3.4/0", " ::/0 ", "::ffff:0:0/96", "2001:db8::1/0"]) expect(isWorldCidr(world), world).toBe(true);
    for (const narrow of ["0.0.0.0/1", "198.51.100.0/24", "2001:db8::/32", "::ffff:0:0/97", "010.0.0.0/0"]) expect(isWorldCidr(narrow), narrow).toBe(false);
  });
});

describe("protectedPortExposure: one source too wide", () => {
  it.each([
    ["0.0.0.0/0", "the whole internet: 0.0.0.0/0 is every IPv4 address"],
    ["::/0", "the whole internet: ::/0 is every IPv6 address"],
    ["0::/0", "the whole internet: 0::/0 (read as ::/0) is every IPv6 address"],
    ["::0/0", "the whole internet: ::0/0 (read as ::/0) is every IPv6 address"],
    ["1.2.3.4/0", "the whole internet: 1.2.3.4/0 (read as 0.0.0.0/0) is every IPv4 address"],
    ["::ffff:0:0/96", "the whole internet: ::ffff:0:0/96 holds every IPv4 address as IPv4-mapped IPv6"],
    ["::/80", "the whole internet: ::/80 holds every IPv4 address as IPv4-mapped IPv6"],
    ["0.0.0.0/1", "0.0.0.0/1, an IPv4 /1 (2,147,483,648 addresses), wider than /8"],
    ["128.0.0.0/1", "128.0.0.0/1, an IPv4 /1"],
    ["10.1.2.3/7", "10.1.2.3/7 (read as 10.0.0.0/7), an IPv4 /7"],
    ["::ffff:0:0/97", "::ffff:0:0/97 (IPv4 0.0.0.0/1 as IPv4-mapped IPv6), an IPv4 /1"],
    ["2000::/3", "2000::/3, an IPv6 /3, wider than /32"],
    ["2001:db8::/31", "2001:db8::/31, an IPv6 /31, wider than /32"],
    ["010.0.0.0/8", 'a source it cannot read: "010.0.0.0/8" is not a CIDR'],
    ["fe80::1%eth0/64", 'a source it cannot read: "fe80::1%eth0/64" is not a CIDR'],
  ])("refuses %s on a store port", (source, reason) => {
    const problems = protectedPortExposure([rule(["198.51.100.0/24", source])]);
    expect(problems).toEqual([{ rules: [0], source: 1, message: expect.stringContaining(`opens PostgreSQL (5432) to ${reason}`) }]);
  });

  it("passes normal narrow sources, and the limits themselves", () => {
    expect(MIN_IPV4_PREFIX).toBe(8);
    expect(MIN_IPV6_PREFIX).toBe(32);
    const narrow = ["198.51.100.0/24", "203.0.113.7/32", "10.0.0.0/8", "2001:db8::/32", "2001:db8:1::/48", "::ffff:c633:6400/120", "::ffff:100:0/104"];
    expect(protectedPortExposure([rule(narrow, [22]), rule(narrow, [5432, 6379, 6333, 6334, 9000, 9001])])).toEqual([]);
  });

  it("does not judge a rule that reaches no protected port", () => {
    expect(protectedPortExposure([rule(["0.0.0.0/0", "::/0", "not a cidr"], [])])).toEqual([]);
  });

  it("names every protected port a rule's range covers", () => {
    const [problem] = protectedPortExposure([rule(["::/0"], [6379, 6333, 6334])]);
    expect(problem?.message).toContain("opens Redis (6379), Qdrant HTTP (6333), Qdrant gRPC (6334) to the whole internet");
  });
});

describe("protectedPortExposure: sources that together cover the internet", () => {
  it("refuses every public /8 split over two rules on the same port, naming both rules and the port", () => {
    const problems = protectedPortExposure([rule(v4Eights(PUBLIC_EIGHTS.slice(0, 100)), [5432], "A"), rule(v4Eights(PUBLIC_EIGHTS.slice(100)), [5432, 6379], "B")]);
    expect(problems).toEqual([{ rules: [0, 1], message: expect.stringMatching(/^A and B together open PostgreSQL \(5432\) to the whole internet: their sources cover every IPv4 address/) }]);
  });

  it("passes the same /8s when one public /8 is missing, or when the halves reach different ports", () => {
    expect(protectedPortExposure([rule(v4Eights(PUBLIC_EIGHTS.filter((i) => i !== 8)))])).toEqual([]);
    expect(protectedPortExposure([rule(v4Eights(PUBLIC_EIGHTS.slice(0, 100)), [5432]), rule(v4Eights(PUBLIC_EIGHTS.slice(100)), [6379])])).toEqual([]);
  });

  it("counts IPv4-mapped IPv6 sources in the IPv4 union", () => {
    const problems = protectedPortExposure([rule(v4Eights(PUBLIC_EIGHTS.slice(0, 100)), [9000], "A"), rule(mappedEights(PUBLIC_EIGHTS.slice(100)), [9000], "B")]);
    expect(problems).toEqual([{ rules: [0, 1], message: expect.stringContaining("A and B together open MinIO API (9000) to the whole internet") }]);
  });

  it("reports one rule whose own /8s cover the internet as that rule, once for all the ports it reaches", () => {
    const problems = protectedPortExposure([rule(v4Eights(PUBLIC_EIGHTS), [22, 5432])]);
    expect(problems).toEqual([{ rules: [0], message: expect.stringContaining("R opens SSH (22), PostgreSQL (5432) to the whole internet: its sources cover") }]);
  });

  it("refuses halves once each, on their own, and leaves them out of the union", () => {
    const problems = protectedPortExposure([rule(["0.0.0.0/1"], [22], "A"), rule(["128.0.0.0/1"], [22], "B")]);
    expect(problems.map((p) => [p.rules, p.source])).toEqual([[[0], 0], [[1], 0]]);
  });

});

describe("the config validation runs the same check and names the path", () => {
  it.each([
    ["network.ssh_cidrs[1]", { ssh_cidrs: ["198.51.100.0/24", "0::/0"] }, "opens SSH (22) to the whole internet"],
    ["network.ssh_cidrs[0]", { ssh_cidrs: ["::0/0"] }, "::0/0 (read as ::/0) is every IPv6 address"],
    ["network.ssh_cidrs[0]", { ssh_cidrs: ["1.2.3.4/0"] }, "1.2.3.4/0 (read as 0.0.0.0/0)"],
    ["network.ssh_cidrs[0]", { ssh_cidrs: ["::ffff:0:0/96"] }, "holds every IPv4 address as IPv4-mapped IPv6"],
    ["network.ingress[0].source_ips[0]", { ingress: [{ protocol: "tcp", port: "9000-9001", source_ips: ["0.0.0.0/1"] }] }, "opens MinIO API (9000), MinIO console (9001) to 0.0.0.0/1"],
    ["network.ingress[1].source_ips[0]", { ingress: [{ protocol: "tcp", port: 443, source_ips: ["0.0.0.0/0"] }, { protocol: "udp", port: 6379, source_ips: ["2000::/3"] }] }, "wider than /32"],
  ])("%s", (path, network, message) => {
    const problems = configProblems(network);
    expect(problems).toEqual([expect.stringContaining(`config.${path}: `)]);
    expect(problems[0]).toContain(message);
    expect(problems[0]).toContain("accept only sources of /8 or narrower");
  });

  it("names each rule of a union and reports it at network", () => {
    const problems = configProblems({
      ssh_cidrs: ["198.51.100.0/24"],
      ingress: [
        { protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "::/0"] },
        { protocol: "tcp", port: "5000-6000", source_ips: v4Eights(PUBLIC_EIGHTS.slice(0, 100)) },
        { protocol: "udp", port: "5432", source_ips: mappedEights(PUBLIC_EIGHTS.slice(100)) },
      ],
    });
    expect(problems).toEqual([expect.stringMatching(/^config\.network: network\.ingress\[1\]\.source_ips and network\.ingress\[2\]\.source_ips together open PostgreSQL \(5432\) to the whole internet/)]);
  });

  it("refuses halves in ssh_cidrs at each half's path, and passes as many /8s as ssh_cidrs holds", () => {
    expect(configProblems({ ssh_cidrs: v4Eights(PUBLIC_EIGHTS.slice(0, 32)) })).toEqual([]);
    const split = configProblems({ ssh_cidrs: ["0.0.0.0/1", "128.0.0.0/1"] });
    expect(split).toEqual([expect.stringContaining("config.network.ssh_cidrs[0]: opens SSH (22) to 0.0.0.0/1"), expect.stringContaining("config.network.ssh_cidrs[1]: opens SSH (22) to 128.0.0.0/1")]);
  });

  it("still reports a too-wide source when another network key fails to parse", () => {
    const problems = configProblems({ ssh_cidrs: ["0.0.0.0/0", "10.0.0.300/8"], ingress: [{ protocol: "gre", port: "1", source_ips: ["::/0"] }] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("config.network.ssh_cidrs[0]: opens SSH (22) to the whole internet"),
        expect.stringContaining("config.network.ssh_cidrs[1]: must be an IPv4 or IPv6 CIDR"),
        expect.stringContaining("config.network.ingress[0].protocol:"),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it("keeps accepting the documented example: SSH from operators, 443 from anywhere", () => {
    expect(configProblems({ ssh_cidrs: ["198.51.100.0/24", "2001:db8::/48"], ingress: [{ protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "::/0"] }] })).toEqual([]);
  });
});
