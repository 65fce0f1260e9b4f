import * as hcloud from "@pulumi/hcloud";
import type { TenantConfig, TenantNames } from "../../domain";
import { networkZoneOf, PRIVATE_NETWORK } from "./placement";
import { tenantPart, type PartOptions } from "../partOptions";

export interface TenantNetwork {
  readonly network: hcloud.Network;
  readonly subnet: hcloud.NetworkSubnet;
}

/** The tenant's private network and the one cloud subnet its server joins. */
export function createTenantNetwork(
  names: TenantNames,
  server: TenantConfig["server"],
  opts: PartOptions<hcloud.Provider>,
): TenantNetwork {
  const [networkName, networkOpts] = tenantPart(names, "hetzner-network", opts);
  const network = new hcloud.Network(
    networkName,
    { name: names.hetzner.network, ipRange: PRIVATE_NETWORK.ipRange, labels: { ...names.hetzner.labels } },
    networkOpts,
  );
  const [subnetName, subnetOpts] = tenantPart(names, "hetzner-subnet", opts);
  const subnet = new hcloud.NetworkSubnet(
    subnetName,
    {
      networkId: network.id.apply((id) => Number(id)),
      type: "cloud",
      networkZone: networkZoneOf(server.location),
      ipRange: PRIVATE_NETWORK.subnet,
    },
    subnetOpts,
  );
  return { network, subnet };
}
