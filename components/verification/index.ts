/** Isolation verification (DESIGN §2): probes every store with the tenant's own credentials. */
export * from "./isolationVerification";
export * from "./probeTypes";
export * from "./verifyIsolation";
