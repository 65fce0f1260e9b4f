import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkResources, listOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";

/**
 * The problems of an hcloud server's attachments: it must sit behind at least one firewall
 * (`firewallIds`) and on at least one private network (`networks`). Only the lists' lengths are
 * read, so ids that are still unknown during a preview do not stop the check.
 */
export function serverAttachmentProblems(props: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  if ((listOf(props["firewallIds"])?.length ?? 0) === 0) {
    problems.push("firewallIds is empty; every server sits behind its tenant's firewall, which denies all inbound traffic the tenant config does not allow (DESIGN §2)");
  }
  if ((listOf(props["networks"])?.length ?? 0) === 0) {
    problems.push("networks is empty; every server joins its tenant's private network (DESIGN §1, fb-{id}-net)");
  }
  return problems;
}

/** Policy 2: every Hetzner server has a firewall and a private network. */
export const serverBehindFirewallOnPrivateNetwork: ResourceValidationPolicy = {
  name: "server-behind-firewall-on-private-network",
  description: "Every hcloud server is attached to at least one firewall (firewallIds) and at least one private network (networks).",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.hcloudServer]: serverAttachmentProblems }),
};
