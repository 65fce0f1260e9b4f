/** Validation of everything that enters the program: tenant ids (§1), tenant config (§6), stack config (§8). */
export * from "./errors";
export * from "./network";
export * from "./offlineConfig";
export * from "./rotation";
export * from "./tenantConfig";
export * from "./stackConfig";
export { assertTenantId, InvalidTenantIdError, tenantIdProblem, TENANT_ID_RULE } from "../naming";
