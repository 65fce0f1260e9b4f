/** Redis parts of a tenant: its ACL user and its keys, managed by dynamic providers. */
export * from "./aclOperations";
export * from "./aclRules";
export * from "./aclUserResource";
export * from "./adminSettings";
export * from "./tenantKeysOperations";
export * from "./tenantKeysResource";
