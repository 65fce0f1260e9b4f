import * as minio from "@pulumi/minio";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantConfig, TenantNames } from "../../domain";
import { serialisePolicy, tenantBucketPolicy } from "./bucketPolicy";
import { MinioBucketObjects } from "./bucketObjectsResource";
import type { PartOptions } from "../partOptions";

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
  const bucket = new minio.S3Bucket(
    bucketName,
    // Offboarding destroys the tenant's data by design (DESIGN §3 #12), through `objects` below: the
    // provider's own force-destroy of a non-empty bucket races with itself (see bucketObjectsOperations.ts),
    // so it stays off and the bucket is empty when its delete runs.
    { bucket: bucketName, acl: "private", forceDestroy: false, quota: args.quotas.storage_gb * BYTES_PER_GB },
    opts,
  );
  const versioning = new minio.S3BucketVersioning(
    `${bucketName}-versioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  const objects = new MinioBucketObjects(
    `${bucketName}-objects`,
    { tenantId: names.tenantId, bucket: bucket.bucket },
    { parent: opts.parent, dependsOn: [...(opts.dependsOn ?? []), bucket, versioning], ...(opts.hooks ? { hooks: opts.hooks } : {}) },
  );
  // MinIO refuses to delete a policy that is still mapped to an existing user ("policy in use"), and
  // deleting a user removes its mapping; so the user depends on the policy, which makes a destroy
  // delete the user first and the policy after it.
  const policy = new minio.IamPolicy(policyName, { name: policyName, policy: serialisePolicy(tenantBucketPolicy(bucketName)) }, opts);
  // A new `secret` reaches MinIO through the provider's update (SetUser when the secret changed),
  // which is how a credential rotation changes the key. updateSecret stays false: with true the
  // provider replaces the secret with a random one of its own on every update of the user (e.g.
  // suspension), so the stored credential would stop working.
  const user = new minio.IamUser(
    userName,
    { name: userName, secret: args.secretKey, disableUser: args.suspended, forceDestroy: true, updateSecret: false },
    { ...opts, dependsOn: [...(opts.dependsOn ?? []), policy], additionalSecretOutputs: ["secret"] },
  );
  // Deleted with the user: MinIO removes a user's policy mapping when it deletes the user, and it
  // refuses to detach a policy from a disabled user ("The specified user does not exist"), so
  // detaching first would make the destroy of a suspended tenant fail. An attachment deleted on its
  // own (the user stays) is still detached by the provider.
  const attachment = new minio.IamUserPolicyAttachment(
    `${userName}-policy`,
    { userName: user.name, policyName: policy.name },
    { ...opts, deletedWith: user },
  );
  return { bucket, versioning, objects, user, policy, attachment };
}
