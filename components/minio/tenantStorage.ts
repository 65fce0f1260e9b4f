import * as minio from "@pulumi/minio";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantNames } from "../naming";
import type { TenantConfig } from "../validation";
import { serialisePolicy, tenantBucketPolicy } from "./bucketPolicy";
import type { PartOptions } from "../partOptions";

const BYTES_PER_GB = 1024 ** 3;

export interface TenantStorage {
  readonly bucket: minio.S3Bucket;
  readonly versioning: minio.S3BucketVersioning;
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
    // Offboarding destroys the tenant's data by design (DESIGN §3 #12); deletion stays behind the lifecycle.
    { bucket: bucketName, acl: "private", forceDestroy: true, quota: args.quotas.storage_gb * BYTES_PER_GB },
    opts,
  );
  const versioning = new minio.S3BucketVersioning(
    `${bucketName}-versioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  // updateSecret stays false: with true, the MinIO provider replaces the secret with a random one on
  // every update of the user (e.g. suspension), so the stored credential would stop working. A new
  // `secret` input still reaches MinIO without it.
  const user = new minio.IamUser(
    userName,
    { name: userName, secret: args.secretKey, disableUser: args.suspended, forceDestroy: true, updateSecret: false },
    { ...opts, additionalSecretOutputs: ["secret"] },
  );
  const policy = new minio.IamPolicy(policyName, { name: policyName, policy: serialisePolicy(tenantBucketPolicy(bucketName)) }, opts);
  const attachment = new minio.IamUserPolicyAttachment(
    `${userName}-policy`,
    { userName: user.name, policyName: policy.name },
    opts,
  );
  return { bucket, versioning, user, policy, attachment };
}
