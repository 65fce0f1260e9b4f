/** The tenant's age key pair and its SOPS-encrypted secrets file (DESIGN §7). */
export * from "./ageKey";
export * from "./secretsDocument";
export * from "./secretsFile";
export * from "./tenantSecrets";
