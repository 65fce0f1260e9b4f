import type { StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_PROPERTIES, credentialsAreSecret, plainCredentialFindings } from "../../policy/credentialsSecret";
import { installPropertyMarks, markProperties, propertyMarksOf } from "../../policy/propertyMarks";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { assertHasStackViolation, assertNoStackViolations, runStackPolicy, secret, UNKNOWN, urnOf, type TestResource } from "./harness";

const policy = credentialsAreSecret;

/** One resource of every credential-holding type, its credential given by `wrap`. */
function holders(wrap: (value: string) => unknown): TestResource[] {
  return [
    { type: RESOURCE_TYPES.randomPassword, name: "acme-redis-password", props: { length: 32, special: false, result: wrap("r4nd0m") } },
    { type: RESOURCE_TYPES.minioUser, name: "tenant-acme", props: { name: "tenant-acme", secret: wrap("minio-secret") } },
    { type: RESOURCE_TYPES.postgresRole, name: "tenant_acme_app", props: { name: "tenant_acme_app", password: wrap("pg-password") } },
    { type: RESOURCE_TYPES.redisAclUser, name: "acme-redis-acl-user", props: { username: "tenant-acme", rules: ["reset"], password: wrap("redis-password") } },
    { type: RESOURCE_TYPES.ageKey, name: "acme-age-key", props: { tenantId: "acme", publicKey: "age1…", privateKey: wrap("AGE-SECRET-KEY-1…") } },
    { type: RESOURCE_TYPES.secretsFile, name: "acme-secrets-file", props: { tenantId: "acme", plaintext: wrap("minio: …") } },
    { type: RESOURCE_TYPES.tenant, name: "acme", props: { endpoints: { minio: { bucket: "tenant-acme" } }, credentials: wrap("{}") } },
  ];
}

describe("policy 7: credentials-are-secret (stack)", () => {
  it("covers every credential the brief lists", () => {
    expect(CREDENTIAL_PROPERTIES).toEqual({
      "random:index/randomPassword:RandomPassword": "result",
      "minio:index/iamUser:IamUser": "secret",
      "postgresql:index/role:Role": "password",
      "pulumi-nodejs:dynamic/frostbyte:RedisAclUser": "password",
      "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey": "privateKey",
      "pulumi-nodejs:dynamic/frostbyte:TenantSecretsFile": "plaintext",
      "frostbyte:tenant:Tenant": "credentials",
    });
  });

  it("passes when every credential is a secret", async () => {
    await assertNoStackViolations(policy, [...holders(secret), { type: RESOURCE_TYPES.hcloudFirewall, name: "fb-acme-fw", props: { name: "fb-acme-fw" } }]);
  });

  it("passes credentials that are not known yet (a preview before they exist) and resources without one", async () => {
    await assertNoStackViolations(policy, holders(() => UNKNOWN));
    await assertNoStackViolations(policy, holders(() => undefined));
  });

  it("refuses each plain credential, naming the resource, the property and the rule, at the resource's URN", async () => {
    const plain = holders((value) => value);
    const outcome = await runStackPolicy(policy, plain);
    expect(outcome.violations).toHaveLength(plain.length);
    for (const resource of plain) {
      await assertHasStackViolation(policy, plain, {
        urn: urnOf(resource.type, resource.name),
        message: [`"${resource.name}": ${CREDENTIAL_PROPERTIES[resource.type]} is not a secret`, "DESIGN §2"],
      });
    }
  });

  it("tells how to fix it", async () => {
    const plain = holders((value) => value);
    await assertHasStackViolation(policy, plain, { message: 'dynamic RedisAclUser "acme-redis-acl-user": password is not a secret (add additionalSecretOutputs: ["password"])' });
    await assertHasStackViolation(policy, plain, { message: 'frostbyte Tenant "acme": credentials is not a secret (wrap it in pulumi.secret)' });
  });

  it("judges only the credential property: other plain properties of the resource do not matter", async () => {
    await assertNoStackViolations(policy, [{ type: RESOURCE_TYPES.postgresRole, name: "tenant_acme_app", props: { name: "tenant_acme_app", login: true, password: secret("pw") } }]);
  });

  it("does not apply to a stack without credentials", async () => {
    const outcome = await runStackPolicy(policy, [{ type: RESOURCE_TYPES.hcloudFirewall, name: "fb-acme-fw", props: {} }]);
    expect(outcome).toEqual({ violations: [], notApplicable: [policy.name] });
  });

  it("fails closed when no marks were recorded", () => {
    expect(plainCredentialFindings([{ type: RESOURCE_TYPES.minioUser, name: "tenant-acme", urn: "urn:x", marks: undefined }])).toEqual([
      { urn: "urn:x", message: expect.stringContaining('minio IamUser "tenant-acme": cannot tell whether secret is secret') },
    ]);
  });
});

describe("property marks", () => {
  /** A stack policy that reports what it sees of each resource: its marks and its (unwrapped) props. */
  const probe: StackValidationPolicy = {
    name: "probe",
    description: "reports marks",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      for (const resource of args.resources) {
        report(JSON.stringify({ marks: propertyMarksOf(resource.props), password: resource.props["password"] }), resource.urn);
      }
    },
  };

  it("reach a policy through the SDK's own deserialiser and proxy, while props stay plain values", async () => {
    const outcome = await runStackPolicy(probe, [
      { type: RESOURCE_TYPES.postgresRole, name: "a", props: { name: "a", password: secret("pw"), connectionLimit: UNKNOWN } },
      { type: RESOURCE_TYPES.postgresRole, name: "b", props: { name: "b", password: "plain" } },
    ]);
    const seen = outcome.violations.map((v) => JSON.parse(v.message.split("\n")[1]!) as unknown);
    expect(seen).toEqual([
      { marks: { name: "plain", password: "secret", connectionLimit: "unknown" }, password: "pw" },
      { marks: { name: "plain", password: "plain" }, password: "plain" },
    ]);
  });

  it("mark a secret whose value is unknown as secret", () => {
    expect(markProperties({ a: secret(UNKNOWN), b: UNKNOWN, c: { nested: secret("x") } }, { a: UNKNOWN, b: UNKNOWN, c: { nested: "x" } })).toEqual({
      a: "secret",
      b: "unknown",
      c: "plain",
    });
  });

  it("are installed once, however often installPropertyMarks is called", () => {
    const sdk = require("@pulumi/policy/deserialize") as { deserializeProperties: unknown };
    const before = sdk.deserializeProperties;
    installPropertyMarks();
    installPropertyMarks();
    expect(sdk.deserializeProperties).toBe(before);
  });

  it("are absent from objects the SDK did not deserialise", () => {
    expect(propertyMarksOf({ password: "x" })).toBeUndefined();
    expect(propertyMarksOf(undefined)).toBeUndefined();
  });
});
