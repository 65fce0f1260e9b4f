import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantBucketPolicy, type PolicyDocument } from "../../components/minio/bucketPolicy";
import { tenantNames } from "../../domain";
import { minioAdmin, minioAdminOk, type MinioKey } from "../support/minioAdminProbe";
import { startMinio, type MinioServer } from "../support/minioServer";

/**
 * What a tenant can mint from its MinIO user (service accounts, STS credentials, presigned URLs)
 * and whether any of it outlives a rotation (same user, new secret key) or a suspension (the user
 * disabled), against a real MinIO server. Each case runs the program's policy and, as the control
 * that shows the case can fail, the same policy without its Deny statements.
 */

interface S3Key extends MinioKey {
  readonly sessionToken?: string;
}

const names = tenantNames("acme").minio;
const tenantPolicy = tenantBucketPolicy(names.bucket);
const allowsOnly: PolicyDocument = { ...tenantPolicy, Statement: tenantPolicy.Statement.filter((st) => st.Effect === "Allow") };

describe("credentials minted from a tenant's MinIO user (real MinIO)", () => {
  let minio: MinioServer;
  let root: MinioKey;
  let users = 0;

  beforeAll(async () => {
    minio = await startMinio();
    root = { accessKey: minio.rootUser, secretKey: minio.rootPassword };
    await s3(root).makeBucket(names.bucket);
    await minioAdminOk(minio.endpoint, root, "add-policy", { name: names.policy, policy: tenantPolicy });
    await minioAdminOk(minio.endpoint, root, "add-policy", { name: "allows-only", policy: allowsOnly });
  });
  afterAll(async () => minio?.stop());

  function s3(key: S3Key): Client {
    return new Client({ endPoint: "127.0.0.1", port: minio.port, useSSL: false, pathStyle: true, ...key });
  }

  /** "allowed", or the S3 error code MinIO answered a small put into the tenant's bucket with. */
  async function put(key: S3Key): Promise<string> {
    try {
      await s3(key).putObject(names.bucket, `probe-${key.accessKey}`, "x");
      return "allowed";
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  /** A fresh user holding `policy` (each case its own, so none sees another's service accounts). */
  async function userWith(policy: string): Promise<MinioKey> {
    const key = { accessKey: `${names.user}-${++users}`, secretKey: `first-secret-${users}-0123456789` };
    await minioAdminOk(minio.endpoint, root, "add-user", { user: key.accessKey, secretKey: key.secretKey });
    await minioAdminOk(minio.endpoint, root, "attach-policy", { user: key.accessKey, name: policy });
    return key;
  }

  const rotate = async (user: MinioKey): Promise<MinioKey> => {
    const rotated = { accessKey: user.accessKey, secretKey: `rotated-${user.secretKey}` };
    await minioAdminOk(minio.endpoint, root, "add-user", { user: rotated.accessKey, secretKey: rotated.secretKey });
    return rotated;
  };
  const setEnabled = (user: MinioKey, enabled: boolean) => minioAdminOk(minio.endpoint, root, "set-user-status", { user: user.accessKey, enabled });
  const serviceAccountOf = (user: MinioKey) => minioAdminOk<MinioKey>(minio.endpoint, root, "add-service-account", { targetUser: user.accessKey });
  const assumeRole = (user: MinioKey) => minioAdminOk<S3Key>(minio.endpoint, user, "assume-role", {});

  it("refuses a service account the tenant mints for itself, which the policy without its Deny statements allows", async () => {
    const tenant = await userWith(names.policy);
    expect(await minioAdmin(minio.endpoint, tenant, "add-service-account", {})).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    expect(await minioAdminOk(minio.endpoint, root, "list-service-accounts", { user: tenant.accessKey })).toEqual({ accessKeys: [] });

    const control = await userWith("allows-only");
    const minted = await minioAdminOk<MinioKey>(minio.endpoint, control, "add-service-account", {});
    expect(await put(minted)).toBe("allowed");
  });

  it("refuses the tenant setting its own secret key, which the policy without its Deny statements allows", async () => {
    const tenant = await userWith(names.policy);
    const own = (key: MinioKey) => ({ user: key.accessKey, secretKey: `chosen-by-tenant-${key.accessKey}` });
    expect(await minioAdmin(minio.endpoint, tenant, "add-user", own(tenant))).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    expect(await put(tenant)).toBe("allowed");

    const control = await userWith("allows-only");
    expect(await minioAdmin(minio.endpoint, control, "add-user", own(control))).toEqual({ ok: true, result: null });
    expect(await put(control)).toBe("SignatureDoesNotMatch");
  });

  it("cannot deny STS AssumeRole by action: MinIO refuses sts:AssumeRole in a policy, and checks no policy when minting", async () => {
    const denySts = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["sts:AssumeRole"], Resource: ["*"] }] };
    expect(await minioAdmin(minio.endpoint, root, "add-policy", { name: "deny-sts", policy: denySts })).toMatchObject({
      ok: false,
      error: { code: "XMinioMalformedIAMPolicy", message: expect.stringContaining("sts:AssumeRole") },
    });
    const tenant = await userWith(names.policy);
    expect(await minioAdmin(minio.endpoint, tenant, "assume-role", {})).toMatchObject({ ok: true, result: { sessionToken: expect.any(String) } });
  });

  it("without the Deny statements, STS credentials and service accounts outlive a rotation and come back on resume", async () => {
    const control = await userWith("allows-only");
    const derived = [await assumeRole(control), await serviceAccountOf(control)];
    expect(await Promise.all(derived.map(put))).toEqual(["allowed", "allowed"]);
    const rotated = await rotate(control);
    expect(await put(control)).toBe("SignatureDoesNotMatch");
    expect(await Promise.all(derived.map(put))).toEqual(["allowed", "allowed"]);
    await setEnabled(rotated, false);
    expect(await Promise.all(derived.map(put))).toEqual(["AccessDenied", "AccessDenied"]);
    await setEnabled(rotated, true);
    expect(await Promise.all(derived.map(put))).toEqual(["allowed", "allowed"]);
  });

  it("with the tenant policy, STS credentials and service accounts can do nothing, before and after a rotation, a suspension and a resume", async () => {
    const tenant = await userWith(names.policy);
    // A service account the operator (root) mints for the user stands for one minted before the denials existed.
    const derived = [await assumeRole(tenant), await serviceAccountOf(tenant)];
    expect(await put(tenant)).toBe("allowed");
    expect(await Promise.all(derived.map(put))).toEqual(["AccessDenied", "AccessDenied"]);
    const rotated = await rotate(tenant);
    expect([await put(tenant), await put(rotated)]).toEqual(["SignatureDoesNotMatch", "allowed"]);
    expect(await Promise.all(derived.map(put))).toEqual(["AccessDenied", "AccessDenied"]);
    await setEnabled(rotated, false);
    expect(await minioAdmin(minio.endpoint, rotated, "assume-role", {})).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    await setEnabled(rotated, true);
    expect(await Promise.all(derived.map(put))).toEqual(["AccessDenied", "AccessDenied"]);
  });

  it("credentials minted before the policy carried its Deny statements stop working once it does", async () => {
    const name = "upgraded-policy";
    await minioAdminOk(minio.endpoint, root, "add-policy", { name, policy: allowsOnly });
    const tenant = await userWith(name);
    const derived = [await assumeRole(tenant), await minioAdminOk<MinioKey>(minio.endpoint, tenant, "add-service-account", {})];
    expect(await Promise.all(derived.map(put))).toEqual(["allowed", "allowed"]);
    await minioAdminOk(minio.endpoint, root, "add-policy", { name, policy: tenantPolicy });
    expect(await Promise.all(derived.map(put))).toEqual(["AccessDenied", "AccessDenied"]);
    expect(await put(tenant)).toBe("allowed");
  });

  it("a presigned URL stops working after a rotation and while the user is suspended", async () => {
    const tenant = await userWith(names.policy);
    const object = `presigned-${tenant.accessKey}`;
    await s3(tenant).putObject(names.bucket, object, "x");
    const status = async (key: MinioKey) => (await fetch(await s3(key).presignedGetObject(names.bucket, object, 3600))).status;
    const before = await s3(tenant).presignedGetObject(names.bucket, object, 3600);
    expect((await fetch(before)).status).toBe(200);
    const rotated = await rotate(tenant);
    expect((await fetch(before)).status).toBe(403);
    expect(await status(rotated)).toBe(200);
    const during = await s3(rotated).presignedGetObject(names.bucket, object, 3600);
    await setEnabled(rotated, false);
    expect((await fetch(during)).status).toBe(403);
  });
});
