import * as hcloud from "@pulumi/hcloud";
import type { TenantConfig, TenantNames } from "../../domain";
import { firewallRules } from "./firewallRules";
import { tenantPart, type PartOptions } from "../partOptions";

/** The tenant's firewall: default deny inbound, rules rendered from config. */
export function createTenantFirewall(
  names: TenantNames,
  network: TenantConfig["network"],
  suspended: boolean,
  opts: PartOptions<hcloud.Provider>,
): hcloud.Firewall {
  const [name, options] = tenantPart(names, "hetzner-firewall", opts);
  return new hcloud.Firewall(
    name,
    { name: names.hetzner.firewall, labels: { ...names.hetzner.labels }, rules: firewallRules(network, suspended) },
    options,
  );
}
