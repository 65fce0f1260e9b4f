import { describe, expect, it } from "vitest";
import { ISOLATION_PROBE_TENANT_ID, tenantNames } from "../../domain";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { nameTemplate, tenantIdOfName } from "../../policy/tenantOfName";
import { tenantResourcesNamedForTenant } from "../../policy/tenantNaming";
import { assertHasResourceViolation, assertNoResourceViolations, runResourcePolicy, type TestResource } from "./harness";

const policy = tenantResourcesNamedForTenant;

/** Every tenant-named resource of one tenant, as the program registers it. */
function resourcesOf(id: string): TestResource[] {
  const n = tenantNames(id);
  const labels = { ...n.hetzner.labels };
  return [
    { type: RESOURCE_TYPES.hcloudNetwork, name: n.hetzner.network, props: { name: n.hetzner.network, labels, ipRange: "10.42.0.0/16" } },
    { type: RESOURCE_TYPES.hcloudFirewall, name: n.hetzner.firewall, props: { name: n.hetzner.firewall, labels, rules: [] } },
    { type: RESOURCE_TYPES.hcloudServer, name: n.hetzner.server, props: { name: n.hetzner.server, labels, firewallIds: [1], networks: [{ networkId: 2 }] } },
    { type: RESOURCE_TYPES.minioBucket, name: n.minio.bucket, props: { bucket: n.minio.bucket, acl: "private" } },
    { type: RESOURCE_TYPES.minioUser, name: n.minio.user, props: { name: n.minio.user } },
    { type: RESOURCE_TYPES.minioPolicy, name: n.minio.policy, props: { name: n.minio.policy, policy: "{}" } },
    { type: RESOURCE_TYPES.postgresRole, name: n.postgres.role, props: { name: n.postgres.role } },
    { type: RESOURCE_TYPES.postgresDatabase, name: n.postgres.database, props: { name: n.postgres.database, owner: n.postgres.role } },
    { type: RESOURCE_TYPES.qdrantCollection, name: `${id}-qdrant-collection`, props: { name: n.qdrant.collection, tenantId: id, vectorSize: 768 } },
  ];
}

describe("policy 6: tenant-resources-named-for-tenant", () => {
  it("passes every tenant resource named by tenantNames, for ids with and without dashes", async () => {
    for (const resource of [...resourcesOf("acme"), ...resourcesOf("globex-eu")]) await assertNoResourceViolations(policy, resource);
  });

  it("refuses a Hetzner resource without the tenant label, naming it and the rule", async () => {
    const server = resourcesOf("acme")[2]!;
    await assertHasResourceViolation(policy, { ...server, props: { ...server.props, labels: {} } }, {
      message: ['hcloud Server "fb-acme-srv"', "label frostbyte.io/tenant is missing", "fb-{id}-srv", "DESIGN §1"],
    });
  });

  it("refuses a Hetzner name that is not its labelled tenant's", async () => {
    const network = resourcesOf("acme")[0]!;
    await assertHasResourceViolation(policy, { ...network, props: { ...network.props, labels: { "frostbyte.io/tenant": "globex-eu" } } }, {
      message: 'name "fb-acme-net" is not "fb-globex-eu-net", the name of tenant "globex-eu" from its label',
    });
    await assertHasResourceViolation(policy, { ...network, props: { ...network.props, labels: { "frostbyte.io/tenant": "Acme" } } }, {
      message: 'label frostbyte.io/tenant="Acme" is no valid tenant id',
    });
  });

  it("refuses store names that are no tenant's", async () => {
    const cases: [TestResource, string][] = [
      [{ type: RESOURCE_TYPES.minioBucket, name: "shared", props: { bucket: "shared" } }, 'bucket "shared" is not tenant-{id}'],
      [{ type: RESOURCE_TYPES.minioBucket, name: "prefixed", props: { bucketPrefix: "tenant-" } }, "bucket undefined is not tenant-{id}"],
      // "tenant-acme-admin" would be tenant acme-admin's user, so the example has no tenant at all.
      [{ type: RESOURCE_TYPES.minioUser, name: "u", props: { name: "minioadmin" } }, 'name "minioadmin" is not tenant-{id}'],
      [{ type: RESOURCE_TYPES.minioPolicy, name: "p", props: { name: "tenant-acme" } }, 'name "tenant-acme" is not tenant-{id}-rw'],
      [{ type: RESOURCE_TYPES.postgresRole, name: "r", props: { name: "tenant_acme" } }, 'name "tenant_acme" is not tenant_{id_}_app'],
      [{ type: RESOURCE_TYPES.postgresDatabase, name: "d", props: { name: "tenant-acme" } }, 'name "tenant-acme" is not tenant_{id_}'],
      [{ type: RESOURCE_TYPES.qdrantCollection, name: "q", props: { name: "documents" } }, 'name "documents" is not tenant_{id_}'],
    ];
    for (const [resource, message] of cases) await assertHasResourceViolation(policy, resource, { message: [message, "DESIGN §1"] });
  });

  it("does not apply to resources that carry no tenant name (subnets, grants, attachments)", async () => {
    for (const type of ["hcloud:index/networkSubnet:NetworkSubnet", "postgresql:index/grant:Grant", "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment"]) {
      const outcome = await runResourcePolicy(policy, { type, name: "x", props: {} });
      expect(outcome).toEqual({ violations: [], notApplicable: [policy.name] });
    }
  });
});

describe("tenantIdOfName (pure)", () => {
  it("maps every §1 name back to its tenant", () => {
    for (const id of ["acme", "globex-eu", "a1-b2-c3"]) {
      const n = tenantNames(id);
      for (const [name, pick] of [
        [n.hetzner.server, (x: typeof n) => x.hetzner.server],
        [n.minio.policy, (x: typeof n) => x.minio.policy],
        [n.postgres.role, (x: typeof n) => x.postgres.role],
        [n.postgres.database, (x: typeof n) => x.postgres.database],
        [n.redis.user, (x: typeof n) => x.redis.user],
      ] as const) {
        expect(tenantIdOfName(name, pick)).toBe(id);
      }
    }
  });

  it("refuses near misses, invalid ids and the reserved probe id", () => {
    const bucket = (x: ReturnType<typeof tenantNames>) => x.minio.bucket;
    expect(tenantIdOfName("tenant-", bucket)).toBeUndefined();
    expect(tenantIdOfName("tenant-ab", bucket)).toBeUndefined();
    expect(tenantIdOfName("tenant-a--b", bucket)).toBeUndefined();
    expect(tenantIdOfName("tenant_acme", bucket)).toBeUndefined();
    expect(tenantIdOfName(`tenant-${ISOLATION_PROBE_TENANT_ID}`, bucket)).toBeUndefined();
    // An underscore in a dashed name is not a dash: tenant_globex_eu is a database name, not a bucket.
    expect(tenantIdOfName("tenant-globex_eu", bucket)).toBeUndefined();
  });

  it("shows each name's format for messages", () => {
    expect(nameTemplate((x) => x.hetzner.firewall)).toBe("fb-{id}-fw");
    expect(nameTemplate((x) => x.postgres.role)).toBe("tenant_{id_}_app");
    expect(nameTemplate((x) => x.redis.keyPattern)).toBe("~tenant:{id}:*");
  });
});
