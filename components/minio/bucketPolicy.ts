/** An IAM policy document as MinIO reads it. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** `{ operator: { key: values } }`, e.g. `{ StringEquals: { "aws:principaltype": ["AssumedRole"] } }`. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  /** Absent on admin statements: MinIO ignores resources for admin actions. */
  readonly Resource?: readonly string[];
  readonly Condition?: PolicyCondition;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/**
 * Admin actions MinIO lets a user perform on itself unless a policy explicitly denies them (its
 * handlers check them with `DenyOnly` when the target is the caller: cmd/admin-handlers-users.go,
 * `commonAddServiceAccount`, `AddUser`, `GetUserInfo`, `ListAccessKeysBulk`), plus the other
 * service-account actions. A service account minted by the tenant would outlive a rotation of its
 * secret key, and a user that sets its own secret key takes the key out of the operator's hands.
 */
export const SELF_SERVICE_ADMIN_ACTIONS: readonly string[] = [
  "admin:CreateServiceAccount",
  "admin:UpdateServiceAccount",
  "admin:RemoveServiceAccount",
  "admin:ListServiceAccounts",
  "admin:CreateUser",
  "admin:GetUser",
];

/**
 * Matches requests signed with credentials derived from the tenant's user: STS AssumeRole
 * credentials and service accounts carry claims, which make MinIO's `aws:principaltype`
 * "AssumedRole" (cmd/bucket-policy.go, `getConditionValues`); the user's own key is "User".
 * MinIO has no policy action for STS AssumeRole (it checks none), so the credentials it mints are
 * made useless instead, and with them any service account minted before these denials existed.
 */
export const DERIVED_CREDENTIALS_CONDITION: PolicyCondition = { StringEquals: { "aws:principaltype": ["AssumedRole"] } };

/** Every S3 resource: the derived-credentials denial reaches further than the Allow statements. */
export const EVERY_S3_RESOURCE = "arn:aws:s3:::*";

/**
 * The denials every tenant policy carries: no admin API at all (so no service account and no
 * change of its own secret key), and no S3 action with derived credentials. Suspension (the user
 * disabled) and rotation (a new secret key for the same user) then leave the tenant no credential
 * that still works.
 */
export function tenantDenyStatements(): readonly PolicyStatement[] {
  return [
    { Sid: "DenyAdminApi", Effect: "Deny", Action: ["admin:*"] },
    { Sid: "DenyDerivedCredentials", Effect: "Deny", Action: ["s3:*"], Resource: [EVERY_S3_RESOURCE], Condition: DERIVED_CREDENTIALS_CONDITION },
  ];
}

/**
 * The tenant's read-write policy (DESIGN §2): bucket-level actions on the bucket itself and
 * object-level actions on its objects, nothing else anywhere, and the denials of
 * `tenantDenyStatements`.
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
      ...tenantDenyStatements(),
    ],
  };
}

/** Serialises a policy deterministically, so an unchanged policy never shows as a diff. */
export function serialisePolicy(policy: PolicyDocument): string {
  return JSON.stringify(policy);
}
