/** MinIO parts of a tenant: bucket, user and the policy that ties the user to the bucket. */
export * from "./bucketPolicy";
export * from "./tenantStorage";
