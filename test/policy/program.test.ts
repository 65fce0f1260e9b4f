/**
 * The policy pack against the program itself: every resource the program registers under mocks
 * (inputs in the engine's wire form, secrets marked) goes through every policy, the way a
 * `pulumi preview --policy-pack policy` of a real stack would send it.
 */
import * as hcloud from "@pulumi/hcloud";
import * as minio from "@pulumi/minio";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { TENANT_TYPE } from "../../components/tenant";
import { FROSTBYTE_POLICIES } from "../../policy/policies";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import type { Registration } from "../support/pulumiMocks";
import { runProgram } from "../support/runProgram";
import { sampleStackConfig } from "../support/sampleStackConfig";
import { runResourcePolicy, runStackPolicy, type PolicyViolation, type TestResource } from "./harness";

const resourcePolicies = FROSTBYTE_POLICIES.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
const stackPolicies = FROSTBYTE_POLICIES.filter((p): p is StackValidationPolicy => "validateStack" in p);

function asTestResource(registration: Registration): TestResource {
  return { type: registration.type, name: registration.name, props: registration.inputs, parent: registration.parent };
}

describe("the policy pack on the program's own resources (mocks)", () => {
  let resources: TestResource[];

  beforeAll(async () => {
    const run = await runProgram(sampleStackConfig());
    if (run.error) throw run.error;
    resources = run.registrations.filter((r) => !r.type.startsWith("pulumi:providers:")).map(asTestResource);
  });

  it("names the types the SDKs and the program use", () => {
    expect(RESOURCE_TYPES.tenant).toBe(TENANT_TYPE);
    const sdkTypes = {
      hcloudNetwork: hcloud.Network,
      hcloudFirewall: hcloud.Firewall,
      hcloudServer: hcloud.Server,
      minioBucket: minio.S3Bucket,
      minioUser: minio.IamUser,
      minioPolicy: minio.IamPolicy,
      postgresRole: postgresql.Role,
      postgresDatabase: postgresql.Database,
      randomPassword: random.RandomPassword,
    } as const;
    for (const [key, cls] of Object.entries(sdkTypes)) expect(RESOURCE_TYPES[key as keyof typeof sdkTypes], key).toBe(Reflect.get(cls, "__pulumiType"));
    const registered = new Set(resources.map((r) => r.type));
    for (const type of Object.values(RESOURCE_TYPES)) expect(registered.has(type), `the program registers no ${type}`).toBe(true);
  });

  it("passes every resource policy, and each policy applies to at least one resource", async () => {
    const violations: PolicyViolation[] = [];
    for (const policy of resourcePolicies) {
      let applied = 0;
      for (const resource of resources) {
        const outcome = await runResourcePolicy(policy, resource);
        violations.push(...outcome.violations);
        if (!outcome.notApplicable.includes(policy.name)) applied++;
      }
      expect(applied, `${policy.name} applied to no resource`).toBeGreaterThan(0);
    }
    expect(violations).toEqual([]);
  });

  it("passes the credentials policy, which finds the program's secrets marked", async () => {
    for (const policy of stackPolicies) {
      const outcome = await runStackPolicy(policy, resources);
      expect(outcome).toEqual({ violations: [], notApplicable: [] });
    }
  });

  it("would refuse the program's credentials if they were not secret", async () => {
    const unwrap = (value: unknown): unknown =>
      typeof value === "object" && value !== null && "value" in value ? (value as { value: unknown }).value : value;
    const plain = resources.map((r) => ({ ...r, props: Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, unwrap(v)])) }));
    const outcome = await runStackPolicy(stackPolicies[0]!, plain);
    const flagged = new Set(outcome.violations.map((v) => v.urn.split("::").slice(-2).join("::")));
    // Under mocks only inputs are seen: the IamUser secret, the Role password, the Redis password and
    // the secrets file's plaintext (the age key's private key is an output the mocks compute).
    expect(flagged).toEqual(
      new Set([
        `${RESOURCE_TYPES.minioUser}::acme-minio-user`,
        `${RESOURCE_TYPES.minioUser}::globex-eu-minio-user`,
        `${RESOURCE_TYPES.postgresRole}::acme-postgres-role`,
        `${RESOURCE_TYPES.postgresRole}::globex-eu-postgres-role`,
        `${RESOURCE_TYPES.redisAclUser}::acme-redis-acl-user`,
        `${RESOURCE_TYPES.redisAclUser}::globex-eu-redis-acl-user`,
        `${RESOURCE_TYPES.secretsFile}::acme-secrets-file`,
        `${RESOURCE_TYPES.secretsFile}::globex-eu-secrets-file`,
      ]),
    );
  });
});
