import type { TenantConfig } from "../../domain";

/** Hetzner network zone of each location: a subnet must sit in the server's zone. */
const NETWORK_ZONES: Readonly<Record<TenantConfig["server"]["location"], string>> = {
  fsn1: "eu-central",
  nbg1: "eu-central",
  hel1: "eu-central",
  ash: "us-east",
  hil: "us-west",
  sin: "ap-southeast",
};

/** Private addressing of a tenant network. Networks are per tenant, so every tenant may use the same plan. */
export const PRIVATE_NETWORK = {
  ipRange: "10.42.0.0/16",
  subnet: "10.42.1.0/24",
  serverIp: "10.42.1.10",
} as const;

export function networkZoneOf(location: TenantConfig["server"]["location"]): string {
  return NETWORK_ZONES[location];
}
