/** Validation of everything that enters the program: tenant config (§6) and stack config (§8). */
export * from "./controlPlaneTimeouts";
export * from "./errors";
export * from "./network";
export * from "./operationTimeBounds";
export * from "./rotation";
export * from "./tenantConfig";
export * from "./stackConfig";
export * from "./workerSettings";
