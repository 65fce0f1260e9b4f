import * as minio from "@pulumi/minio";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantConfig, TenantNames } from "../../domain";
import { serialisePolicy, tenantBucketPolicy } from "./bucketPolicy";
import { MinioBucketObjects } from "./bucketObjectsResource";
import { tenantPart, type PartOptions } from "../partOptions";

const BYTES_PER_GB = 1024 ** 3;

export interface TenantStorage {
  readonly bucket: minio.S3Bucket;
  readonly versioning: minio.S3BucketVersioning;
  /** The bucket's objects: a destroy deletes them (every version) before the bucket. */
  readonly objects: MinioBucketObjects;
  readonly user: minio.IamUser;
  readonly policy: minio.IamPolicy;
  readonly attachment: minio.IamUserPolicyAttachment;
}

export interface TenantStorageArgs {
  readonly quotas: TenantConfig["quotas"];
  /** The user's secret key; its access key is the user name. */
  readonly secretKey: pulumi.Input<string>;
  /** A suspended tenant's user is disabled; its objects stay. */
  readonly suspended: boolean;
}

/** The tenant's bucket (versioned, with its quota) and the one user whose policy reaches only it. */
export function createTenantStorage(
  names: TenantNames,
  args: TenantStorageArgs,
  opts: PartOptions<minio.Provider>,
): TenantStorage {
  const { bucket: bucketName, user: userName, policy: policyName } = names.minio;
  const [bucketPart, bucketOpts] = tenantPart(names, "minio-bucket", opts);
  const bucket = new minio.S3Bucket(
    bucketPart,
    // Offboarding destroys the tenant's data by design (DESIGN §3 #12), through `objects` below: the
    // provider's own force-destroy of a non-empty bucket races with itself (see bucketObjectsOperations.ts),
    // so it stays off and the bucket is empty when its delete runs.
    { bucket: bucketName, acl: "private", forceDestroy: false, quota: args.quotas.storage_gb * BYTES_PER_GB },
    bucketOpts,
  );
  const [versioningPart, versioningOpts] = tenantPart(names, "minio-bucket-versioning", opts);
  const versioning = new minio.S3BucketVersioning(
    versioningPart,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    versioningOpts,
  );
  const [objectsPart, objectsOpts] = tenantPart(names, "minio-bucket-objects", {
    parent: opts.parent,
    dependsOn: [...(opts.dependsOn ?? []), bucket, versioning],
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  });
  const objects = new MinioBucketObjects(objectsPart, { tenantId: names.tenantId, bucket: bucket.bucket }, objectsOpts);
  // MinIO refuses to delete a policy that is still mapped to an existing user ("policy in use"), and
  // deleting a user removes its mapping; so the user depends on the policy, which makes a destroy
  // delete the user first and the policy after it.
  const [policyPart, policyOpts] = tenantPart(names, "minio-policy", opts);
  const policy = new minio.IamPolicy(policyPart, { name: policyName, policy: serialisePolicy(tenantBucketPolicy(bucketName)) }, policyOpts);
  // A new `secret` reaches MinIO through the provider's update (SetUser when the secret changed),
  // which is how a credential rotation changes the key. updateSecret stays false: with true the
  // provider replaces the secret with a random one of its own on every update of the user (e.g.
  // suspension), so the stored credential would stop working.
  const [userPart, userOpts] = tenantPart(names, "minio-user", {
    ...opts,
    dependsOn: [...(opts.dependsOn ?? []), policy],
    additionalSecretOutputs: ["secret"],
  });
  const user = new minio.IamUser(
    userPart,
    { name: userName, secret: args.secretKey, disableUser: args.suspended, forceDestroy: true, updateSecret: false },
    userOpts,
  );
  // Deleted with the user: MinIO removes a user's policy mapping when it deletes the user, and it
  // refuses to detach a policy from a disabled user ("The specified user does not exist"), so
  // detaching first would make the destroy of a suspended tenant fail. An attachment deleted on its
  // own (the user stays) is still detached by the provider.
  const [attachmentPart, attachmentOpts] = tenantPart(names, "minio-policy-attachment", { ...opts, deletedWith: user });
  const attachment = new minio.IamUserPolicyAttachment(attachmentPart, { userName: user.name, policyName: policy.name }, attachmentOpts);
  return { bucket, versioning, objects, user, policy, attachment };
}
