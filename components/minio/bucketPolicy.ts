/** An IAM policy document as MinIO reads it. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/**
 * The tenant's read-write policy (DESIGN §2): bucket-level actions on the bucket itself and
 * object-level actions on its objects, and nothing else anywhere.
 */
export function tenantBucketPolicy(bucket: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListOwnBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"],
        Resource: [bucketArn(bucket)],
      },
      {
        Sid: "ReadWriteOwnObjects",
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: [`${bucketArn(bucket)}/*`],
      },
    ],
  };
}

/** Serialises a policy deterministically, so an unchanged policy never shows as a diff. */
export function serialisePolicy(policy: PolicyDocument): string {
  return JSON.stringify(policy);
}
