import { describe, expect, it } from "vitest";
import { serialisePolicy, tenantBucketPolicy, tenantDenyStatements } from "../../components/minio/bucketPolicy";
import { tenantNames } from "../../domain";
import { minioPolicyOwnBucketOnly, minioPolicyProblems } from "../../policy/minioPolicyScope";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { assertHasResourceViolation, assertNoResourceViolations } from "./harness";

const policy = minioPolicyOwnBucketOnly;

function iamPolicy(name: string, document: unknown) {
  return { type: RESOURCE_TYPES.minioPolicy, name, props: { name, policy: typeof document === "string" ? document : JSON.stringify(document) } };
}

/** One Allow statement beside the denials every tenant policy must carry. */
function allow(action: unknown, resource: unknown, extra: Record<string, unknown> = {}) {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource, ...extra }, ...tenantDenyStatements()] };
}

const OWN_OBJECTS = { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tenant-acme/*"] };
const DENY_ADMIN = { Effect: "Deny", Action: ["admin:*"] };
const DERIVED = { StringEquals: { "aws:principaltype": ["AssumedRole"] } };
const DENY_DERIVED = { Effect: "Deny", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"], Condition: DERIVED };
const document = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });

describe("policy 3: minio-policy-own-bucket-only", () => {
  it("passes the policy the program renders, for ids with and without dashes", async () => {
    for (const id of ["acme", "globex-eu"]) {
      const names = tenantNames(id);
      await assertNoResourceViolations(policy, iamPolicy(names.minio.policy, serialisePolicy(tenantBucketPolicy(names.minio.bucket))));
    }
  });

  it("refuses another tenant's bucket, naming the policy, the resource and the allowed ones", async () => {
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow(["s3:GetObject"], ["arn:aws:s3:::tenant-globex-eu/*"])), {
      message: [
        'minio IamPolicy "tenant-acme-rw"',
        'resource "arn:aws:s3:::tenant-globex-eu/*" is outside its tenant\'s bucket (arn:aws:s3:::tenant-acme, arn:aws:s3:::tenant-acme/*)',
        "DESIGN §2",
      ],
    });
  });

  it("refuses a bucket whose name only starts like the tenant's", async () => {
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow("s3:GetObject", "arn:aws:s3:::tenant-acme-archive/*")), { message: "is outside its tenant's bucket" });
  });

  it("refuses wildcard resources", async () => {
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow("s3:GetObject", "*")), { message: 'resource "*" reaches every bucket' });
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow("s3:GetObject", ["arn:aws:s3:::*"])), { message: 'resource "arn:aws:s3:::*" reaches every bucket' });
  });

  it("refuses s3:*, * and admin actions even on the tenant's own bucket", async () => {
    const own = ["arn:aws:s3:::tenant-acme", "arn:aws:s3:::tenant-acme/*"];
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow("s3:*", own)), { message: 'action "s3:*" grants every S3 action' });
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow(["*"], own)), { message: 'action "*" grants every S3 action' });
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow(["admin:*"], own)), { message: 'action "admin:*" is a MinIO admin action' });
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow(["admin:ServerInfo"], own)), { message: "is a MinIO admin action" });
  });

  it("refuses an Allow to any principal, and NotResource/NotAction", async () => {
    const own = "arn:aws:s3:::tenant-acme/*";
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", allow("s3:GetObject", own, { Principal: { AWS: ["*"] } })), {
      message: 'allows any principal ("*") without being a Deny',
    });
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", { Statement: { Effect: "Allow", Action: "s3:GetObject", NotResource: own } }), {
      message: "allows with NotResource",
    });
  });

  it("lets Deny statements name anything", async () => {
    const anything = { Effect: "Deny", Principal: "*", Action: ["s3:*", "admin:*"], Resource: ["*"] };
    await assertNoResourceViolations(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, anything, DENY_ADMIN, DENY_DERIVED)));
  });

  it("refuses a policy that lets the user mint service accounts or set its own secret key, naming the actions left open", async () => {
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, DENY_DERIVED)), {
      message: [
        'minio IamPolicy "tenant-acme-rw"',
        "no Deny statement without a Condition covers admin:CreateServiceAccount, admin:UpdateServiceAccount, admin:RemoveServiceAccount, admin:ListServiceAccounts, admin:CreateUser, admin:GetUser",
        "MinIO lets a user mint service accounts and set its own secret key unless a policy denies it",
      ],
    });
    const some = { Effect: "Deny", Action: ["admin:*ServiceAccount", "admin:GetUser"] };
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, some, DENY_DERIVED)), {
      message: "no Deny statement without a Condition covers admin:ListServiceAccounts, admin:CreateUser;",
    });
    const conditional = { ...DENY_ADMIN, Condition: { StringEquals: { "aws:username": ["someone-else"] } } };
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, conditional, DENY_DERIVED)), { message: "covers admin:CreateServiceAccount" });
    const narrowed = { ...DENY_ADMIN, NotResource: ["arn:aws:s3:::x"] };
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, narrowed, DENY_DERIVED)), { message: "covers admin:CreateServiceAccount" });
    const listed = { Effect: "Deny", Action: ["admin:CreateServiceAccount", "admin:UpdateServiceAccount", "admin:RemoveServiceAccount", "admin:ListServiceAccounts", "admin:CreateUser", "admin:GetUser"] };
    await assertNoResourceViolations(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, listed, DENY_DERIVED)));
  });

  it("refuses a policy that leaves derived (STS, service-account) credentials any S3 action", async () => {
    const message = "no Deny statement covers s3:* on arn:aws:s3:::* for derived credentials";
    await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, DENY_ADMIN)), {
      message: ['minio IamPolicy "tenant-acme-rw"', message, '{"StringEquals":{"aws:principaltype":["AssumedRole"]}}', "which outlive a rotation"],
    });
    const cases = [
      { ...DENY_DERIVED, Action: ["s3:GetObject", "s3:PutObject"] },
      { ...DENY_DERIVED, Action: ["s3:?*"] },
      { ...DENY_DERIVED, Resource: ["arn:aws:s3:::tenant-acme/*"] },
      { ...DENY_DERIVED, Condition: { StringEquals: { "aws:principaltype": ["User"] } } },
      { ...DENY_DERIVED, Condition: { ...DERIVED, StringLike: { "aws:userid": ["x*"] } } },
      { ...DENY_DERIVED, NotAction: ["s3:GetObject"] },
    ];
    for (const denial of cases) await assertHasResourceViolation(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, DENY_ADMIN, denial)), { message });
    for (const denial of [
      { ...DENY_DERIVED, Action: ["*"], Resource: ["*"] },
      { ...DENY_DERIVED, Condition: { StringEquals: { "aws:principaltype": "AssumedRole" } } },
      { Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*" },
    ]) {
      await assertNoResourceViolations(policy, iamPolicy("tenant-acme-rw", document(OWN_OBJECTS, DENY_ADMIN, denial)));
    }
  });

  it("refuses a policy whose name is no tenant's, since its bucket is unknown", async () => {
    await assertHasResourceViolation(policy, iamPolicy("readonly", allow("s3:GetObject", "arn:aws:s3:::tenant-acme/*")), {
      message: 'name "readonly" is not tenant-{id}-rw of a valid tenant id',
    });
    await assertHasResourceViolation(policy, iamPolicy("tenant-Acme-rw", allow("s3:GetObject", "arn:aws:s3:::tenant-acme/*")), { message: "is not tenant-{id}-rw" });
  });

  it("refuses a document it cannot read", () => {
    expect(minioPolicyProblems("tenant-acme-rw", "{not json")).toEqual([expect.stringContaining("policy is not valid JSON")]);
    expect(minioPolicyProblems("tenant-acme-rw", "[]")).toEqual([expect.stringContaining("no Deny statement without a Condition"), expect.stringContaining("no Deny statement covers s3:*")]);
    expect(minioPolicyProblems("tenant-acme-rw", "null")).toEqual([expect.stringContaining("policy is not a JSON object")]);
  });
});
