import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { serverAttachmentProblems, serverBehindFirewallOnPrivateNetwork } from "../../policy/serverAttachments";
import { assertHasResourceViolation, assertNoResourceViolations, UNKNOWN } from "./harness";

const policy = serverBehindFirewallOnPrivateNetwork;

function server(props: Record<string, unknown>) {
  return { type: RESOURCE_TYPES.hcloudServer, name: "fb-acme-srv", props: { name: "fb-acme-srv", labels: { "frostbyte.io/tenant": "acme" }, ...props } };
}

describe("policy 2: server-behind-firewall-on-private-network", () => {
  it("passes a server with a firewall and a private network", async () => {
    await assertNoResourceViolations(policy, server({ firewallIds: [1001], networks: [{ networkId: 1000, ip: "10.42.1.10" }] }));
  });

  it("passes during a preview, when the firewall and network ids are not known yet", async () => {
    await assertNoResourceViolations(policy, server({ firewallIds: [UNKNOWN], networks: [{ networkId: UNKNOWN, ip: "10.42.1.10" }] }));
  });

  it("refuses a server without firewall, naming the server and the rule", async () => {
    await assertHasResourceViolation(policy, server({ networks: [{ networkId: 1000 }] }), {
      message: ['hcloud Server "fb-acme-srv"', "firewallIds is empty", "DESIGN §2"],
    });
    await assertHasResourceViolation(policy, server({ firewallIds: [], networks: [{ networkId: 1000 }] }), { message: "firewallIds is empty" });
  });

  it("refuses a server on no private network", async () => {
    await assertHasResourceViolation(policy, server({ firewallIds: [1001], networks: [] }), { message: ['hcloud Server "fb-acme-srv"', "networks is empty"] });
  });

  it("reports both problems of a bare server", () => {
    expect(serverAttachmentProblems({})).toEqual([expect.stringContaining("firewallIds is empty"), expect.stringContaining("networks is empty")]);
  });
});
