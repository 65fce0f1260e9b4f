/** Hetzner Cloud parts of a tenant (online mode only). */
export * from "./cloudInit";
export * from "./firewall";
export * from "./firewallRules";
export * from "./network";
export * from "./placement";
export * from "./server";
