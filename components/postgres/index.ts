/** PostgreSQL parts of a tenant: its login role and its database. */
export * from "./tenantDatabase";
export * from "./adminSettings";
export * from "./sessionCutoffResource";
