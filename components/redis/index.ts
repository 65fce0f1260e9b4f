/** Redis parts of a tenant: its ACL user, managed by a dynamic provider. */
export * from "./aclOperations";
export * from "./aclRules";
export * from "./aclUserResource";
export * from "./adminSettings";
