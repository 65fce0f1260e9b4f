import { describe, expect, it } from "vitest";
import { firewallRuleProblems, isWholeInternet, noWorldOpenProtectedPorts } from "../../policy/firewallPorts";
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

describe("firewallRuleProblems (pure)", () => {
  it("treats any /0 prefix as the whole internet", () => {
    expect(isWholeInternet("0.0.0.0/0")).toBe(true);
    expect(isWholeInternet(" ::/0 ")).toBe(true);
    expect(isWholeInternet("10.1.2.3/0")).toBe(true);
    expect(isWholeInternet("0.0.0.0/1")).toBe(false);
    expect(isWholeInternet("198.51.100.0/24")).toBe(false);
  });

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
