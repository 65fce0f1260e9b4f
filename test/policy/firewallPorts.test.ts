import { describe, expect, it } from "vitest";
import { firewallRuleProblems, noWorldOpenProtectedPorts } from "../../policy/firewallPorts";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { assertHasResourceViolation, assertNoResourceViolations, runResourcePolicy, UNKNOWN } from "./harness";

const policy = noWorldOpenProtectedPorts;

function firewall(rules: unknown[], name = "fb-acme-fw") {
  return { type: RESOURCE_TYPES.hcloudFirewall, name, props: { name, labels: { "frostbyte.io/tenant": "acme" }, rules } };
}

describe("policy 1: no-world-open-protected-ports", () => {
  it("passes the rules the program renders: SSH from operator CIDRs, 443 from anywhere", async () => {
    await assertNoResourceViolations(
      policy,
      firewall([
        { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"], description: "SSH from operator networks" },
        { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"], description: "ingress rule 0" },
        { direction: "in", protocol: "icmp", sourceIps: ["0.0.0.0/0"] },
      ]),
    );
  });

  it("refuses SSH from 0.0.0.0/0 and names the firewall, the rule and the port", async () => {
    await assertHasResourceViolation(policy, firewall([{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"] }]), {
      message: ['hcloud Firewall "fb-acme-fw"', "rule 0 (in tcp 22 from 0.0.0.0/0)", "opens SSH (22) to the whole internet", "DESIGN §2"],
    });
  });

  it("refuses a range that covers store ports from ::/0", async () => {
    await assertHasResourceViolation(policy, firewall([{ direction: "in", protocol: "tcp", port: "6000-7000", sourceIps: ["10.0.0.0/8", "::/0"] }]), {
      message: ["from ::/0", "Redis (6379)", "Qdrant HTTP (6333)", "Qdrant gRPC (6334)"],
    });
  });

  it("reads a tcp/udp rule without a port, and Hetzner's \"any\", as every port", async () => {
    await assertHasResourceViolation(policy, firewall([{ direction: "in", protocol: "udp", sourceIps: ["0.0.0.0/0"] }]), {
      message: ["in udp all ports from 0.0.0.0/0", "SSH (22)", "MinIO console (9001)"],
    });
    await assertHasResourceViolation(policy, firewall([{ direction: "in", protocol: "tcp", port: "any", sourceIps: ["::/0"] }]), { message: "PostgreSQL (5432)" });
  });

  it("refuses a port spec it cannot read rather than guessing", async () => {
    await assertHasResourceViolation(policy, firewall([{ direction: "in", protocol: "tcp", port: "22,5432", sourceIps: ["0.0.0.0/0"] }]), {
      message: 'port spec "22,5432" that is no port or port range',
    });
  });

  it("ignores outbound rules and protocols without ports", async () => {
    await assertNoResourceViolations(
      policy,
      firewall([
        { direction: "out", protocol: "tcp", port: "5432", destinationIps: ["0.0.0.0/0"] },
        { direction: "in", protocol: "gre", sourceIps: ["0.0.0.0/0"] },
      ]),
    );
  });

  it("does not apply to other resources", async () => {
    const outcome = await runResourcePolicy(policy, { type: RESOURCE_TYPES.hcloudServer, name: "fb-acme-srv", props: {} });
    expect(outcome.violations).toEqual([]);
    expect(outcome.notApplicable).toEqual([policy.name]);
  });

  it("during a preview with unknown rules, the SDK downgrades to an advisory instead of passing silently", async () => {
    const outcome = await runResourcePolicy(policy, firewall(UNKNOWN as unknown as unknown[]));
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(outcome.violations[0]!.message).toContain("can't run policy 'no-world-open-protected-ports'");
  });
});

/** Every public /8 (all but 0/8, 10/8, 127/8 and 224/8 upwards, from which no internet client connects). */
const PUBLIC_EIGHTS = Array.from({ length: 224 }, (_, i) => i).filter((i) => ![0, 10, 127].includes(i)).map((i) => `${i}.0.0.0/8`);

describe("policy 1 on sources that only look narrow", () => {
  it("refuses the two halves of IPv4 on a store port, each on its own", async () => {
    const outcome = await runResourcePolicy(policy, firewall([{ direction: "in", protocol: "tcp", port: "5432", sourceIps: ["0.0.0.0/1", "128.0.0.0/1"] }]));
    expect(outcome.violations.map((v) => v.message)).toEqual([
      expect.stringContaining("rule 0 (in tcp 5432 from 0.0.0.0/1) opens PostgreSQL (5432) to 0.0.0.0/1, an IPv4 /1"),
      expect.stringContaining("rule 0 (in tcp 5432 from 128.0.0.0/1) opens PostgreSQL (5432) to 128.0.0.0/1, an IPv4 /1"),
    ]);
  });

  it("refuses /8s that together cover the internet across two rules reaching the same port, naming both", async () => {
    await assertHasResourceViolation(
      policy,
      firewall([
        { direction: "in", protocol: "tcp", port: "6379", sourceIps: PUBLIC_EIGHTS.slice(0, 110) },
        { direction: "in", protocol: "udp", port: "6000-7000", sourceIps: PUBLIC_EIGHTS.slice(110) },
      ]),
      { message: ["rule 0 (in tcp 6379 from 1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8 and 106 more) and rule 1 (in udp 6000-7000 from", "together open Redis (6379) to the whole internet", "DESIGN §2"] },
    );
  });

  it.each([
    ["0::/0", "0::/0 (read as ::/0) is every IPv6 address"],
    ["::0/0", "::0/0 (read as ::/0) is every IPv6 address"],
    ["1.2.3.4/0", "1.2.3.4/0 (read as 0.0.0.0/0) is every IPv4 address"],
    ["::ffff:0:0/96", "::ffff:0:0/96 holds every IPv4 address as IPv4-mapped IPv6"],
    ["::ffff:0.0.0.0/96", "::ffff:0.0.0.0/96 (read as ::ffff:0:0/96) holds every IPv4 address"],
  ])("refuses %s on SSH as the whole internet", (source, reason) => {
    expect(firewallRuleProblems([{ direction: "in", protocol: "tcp", port: "22", sourceIps: [source] }])).toEqual([
      expect.stringContaining(`opens SSH (22) to the whole internet: ${reason}`),
    ]);
  });

  it("refuses a source it cannot read on a protected port, and a non-string one", () => {
    expect(firewallRuleProblems([{ protocol: "tcp", port: "9000", sourceIps: ["010.0.0.0/8", 42] }])).toEqual([
      expect.stringContaining('opens MinIO API (9000) to a source it cannot read: "010.0.0.0/8" is not a CIDR'),
      expect.stringContaining('"42" is not a CIDR'),
    ]);
  });

  it("names every protected port a range covers", () => {
    expect(firewallRuleProblems([{ protocol: "tcp", port: "1-65535", sourceIps: ["2000::/3"] }])).toEqual([
      expect.stringContaining("opens SSH (22), PostgreSQL (5432), Redis (6379), Qdrant HTTP (6333), Qdrant gRPC (6334), MinIO API (9000), MinIO console (9001) to 2000::/3, an IPv6 /3, wider than /32"),
    ]);
  });

  it("passes narrow sources on protected ports, and anything on other ports", () => {
    expect(
      firewallRuleProblems([
        { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24", "2001:db8::/32", "10.0.0.0/8", "::ffff:c633:6400/120"] },
        { direction: "in", protocol: "tcp", port: "5432", sourceIps: PUBLIC_EIGHTS.filter((cidr) => cidr !== "8.0.0.0/8") },
        { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0", "0.0.0.0/1"] },
      ]),
    ).toEqual([]);
  });
});

describe("firewallRuleProblems (pure)", () => {
  it("treats a rule without direction as inbound", () => {
    expect(firewallRuleProblems([{ protocol: "tcp", port: "9000", sourceIps: ["0.0.0.0/0"] }])).toEqual([
      expect.stringContaining("opens MinIO API (9000)"),
    ]);
  });

  it("returns nothing for no rules", () => {
    expect(firewallRuleProblems(undefined)).toEqual([]);
    expect(firewallRuleProblems([])).toEqual([]);
  });
});
