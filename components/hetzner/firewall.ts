import * as hcloud from "@pulumi/hcloud";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantNames } from "../naming";
import type { TenantConfig } from "../validation";
import { firewallRules } from "./firewallRules";

/** The tenant's firewall: default deny inbound, rules rendered from config. */
export function createTenantFirewall(
  names: TenantNames,
  network: TenantConfig["network"],
  suspended: boolean,
  opts: { parent: pulumi.Resource; provider: hcloud.Provider },
): hcloud.Firewall {
  return new hcloud.Firewall(
    names.hetzner.firewall,
    { name: names.hetzner.firewall, labels: { ...names.hetzner.labels }, rules: firewallRules(network, suspended) },
    opts,
  );
}
