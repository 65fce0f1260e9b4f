import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isWorldCidr, protectedPortsIn, tenantNames } from "../../domain";
import { promiseOf, type Registration } from "../support/pulumiMocks";
import { runProgram } from "../support/runProgram";
import { sampleOfflineStackConfig, sampleStackConfig } from "../support/sampleStackConfig";

const TENANT = "frostbyte:tenant:Tenant";
const T = {
  network: "hcloud:index/network:Network",
  subnet: "hcloud:index/networkSubnet:NetworkSubnet",
  firewall: "hcloud:index/firewall:Firewall",
  server: "hcloud:index/server:Server",
  bucket: "minio:index/s3Bucket:S3Bucket",
  versioning: "minio:index/s3BucketVersioning:S3BucketVersioning",
  bucketObjects: "pulumi-nodejs:dynamic/frostbyte:MinioBucketObjects",
  user: "minio:index/iamUser:IamUser",
  policy: "minio:index/iamPolicy:IamPolicy",
  attachment: "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment",
  role: "postgresql:index/role:Role",
  database: "postgresql:index/database:Database",
  grant: "postgresql:index/grant:Grant",
  sessionCutoff: "pulumi-nodejs:dynamic/frostbyte:PostgresSessionCutoff",
  databaseOpening: "pulumi-nodejs:dynamic/frostbyte:PostgresDatabaseOpening",
  collection: "pulumi-nodejs:dynamic/frostbyte:QdrantCollection",
  tokenGrant: "pulumi-nodejs:dynamic/frostbyte:QdrantTokenGrant",
  redisUser: "pulumi-nodejs:dynamic/frostbyte:RedisAclUser",
  redisKeys: "pulumi-nodejs:dynamic/frostbyte:RedisTenantKeys",
  password: "random:index/randomPassword:RandomPassword",
  start: "pulumi-nodejs:dynamic/frostbyte:TenantProvisioningStart",
  complete: "pulumi-nodejs:dynamic/frostbyte:TenantProvisioningComplete",
  verification: "pulumi-nodejs:dynamic/frostbyte:TenantIsolationVerification",
  ageKey: "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey",
  secretsFile: "pulumi-nodejs:dynamic/frostbyte:TenantSecretsFile",
} as const;

/** Every store resource: what the write-back start must precede and its completion must follow. */
const STORE_TYPES: readonly string[] = [
  T.network, T.subnet, T.firewall, T.server, T.bucket, T.versioning, T.bucketObjects, T.user, T.policy, T.attachment, T.role, T.database, T.grant, T.databaseOpening, T.sessionCutoff, T.collection, T.tokenGrant, T.redisKeys, T.redisUser,
];

function tenantOf(registrations: Registration[], urn: string): string | undefined {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  for (let current = byUrn.get(urn); current; current = byUrn.get(current.parent)) {
    if (current.type === TENANT) return current.name;
  }
  return undefined;
}

function childrenOf(registrations: Registration[], tenant: string): Registration[] {
  return registrations.filter((r) => r.custom && tenantOf(registrations, r.urn) === tenant);
}

function one(registrations: Registration[], type: string): Registration {
  const found = registrations.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

describe("the program under mocks, online mode", () => {
  let registrations: Registration[];
  let outputs: NonNullable<Awaited<ReturnType<typeof runProgram>>["program"]>["tenantOutputs"];

  beforeAll(async () => {
    const run = await runProgram(sampleStackConfig());
    if (run.error) throw run.error;
    registrations = run.registrations;
    outputs = run.program!.tenantOutputs;
  });

  it("registers exactly one of each part per tenant, all under that tenant", () => {
    for (const tenant of ["acme", "globex-eu"]) {
      const children = childrenOf(registrations, tenant);
      const counts = Object.fromEntries(Object.values(T).map((type) => [type, children.filter((c) => c.type === type).length]));
      expect(counts).toEqual({
        [T.network]: 1, [T.subnet]: 1, [T.firewall]: 1, [T.server]: 1,
        [T.bucket]: 1, [T.versioning]: 1, [T.bucketObjects]: 1, [T.user]: 1, [T.policy]: 1, [T.attachment]: 1,
        [T.role]: 1, [T.database]: 1, [T.grant]: 1, [T.databaseOpening]: 1, [T.sessionCutoff]: 1,
        [T.collection]: 1, [T.tokenGrant]: 1, [T.redisKeys]: 1, [T.redisUser]: 1, [T.password]: 3, [T.start]: 1, [T.complete]: 1, [T.verification]: 1, [T.ageKey]: 1, [T.secretsFile]: 1,
      });
      expect(children).toHaveLength(27);
    }
    const orphans = registrations.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && tenantOf(registrations, r.urn) === undefined);
    expect(orphans.map((o) => o.type)).toEqual([]);
    expect(registrations.filter((r) => r.type === TENANT).map((r) => r.name).sort()).toEqual(["acme", "globex-eu"]);
  });

  it("empties the bucket before its delete: the objects resource depends on the bucket, whose own force-destroy stays off", () => {
    const children = childrenOf(registrations, "acme");
    const bucket = one(children, T.bucket);
    const objects = one(children, T.bucketObjects);
    expect(bucket.inputs).toMatchObject({ bucket: "tenant-acme", forceDestroy: false });
    expect(objects.inputs).toMatchObject({ tenantId: "acme", bucket: "tenant-acme" });
    expect(objects.dependencies).toContain(bucket.urn);
    expect(objects.dependencies).toContain(one(children, T.versioning).urn);
  });

  it("touches no store before the write-back start, and completes only after every store", () => {
    for (const tenant of ["acme", "globex-eu"]) {
      const children = childrenOf(registrations, tenant);
      const start = one(children, T.start);
      const complete = one(children, T.complete);
      const stores = children.filter((c) => STORE_TYPES.includes(c.type));
      expect(stores).toHaveLength(19);
      const dependsOnStart = (r: Registration, seen = new Set<string>()): boolean =>
        r.dependencies.includes(start.urn) ||
        r.dependencies.some((urn) => !seen.has(urn) && seen.add(urn) && dependsOnStart(registrations.find((x) => x.urn === urn)!, seen));
      for (const store of stores) expect(dependsOnStart(store), store.name).toBe(true);
      const directStores = stores.filter((s) => s.type !== T.network && s.type !== T.subnet && s.type !== T.firewall);
      const verification = one(children, T.verification);
      for (const store of directStores) {
        expect(complete.dependencies, store.name).toContain(store.urn);
        expect(verification.dependencies, store.name).toContain(store.urn);
      }
      expect(complete.dependencies).toContain(verification.urn);
      expect(start.inputs).toMatchObject({ tenantId: tenant });
      expect(complete.inputs).toMatchObject({ tenantId: tenant, suspended: false });
    }
  });

  it("follows DESIGN §7: age key, then credentials, then the SOPS file, then the stores", () => {
    const children = childrenOf(registrations, "acme");
    const start = one(children, T.start);
    const ageKey = one(children, T.ageKey);
    const secretsFile = one(children, T.secretsFile);
    expect(ageKey.dependencies).toEqual([start.urn]);
    for (const password of children.filter((c) => c.type === T.password)) expect(password.dependencies).toEqual([ageKey.urn]);
    for (const store of children.filter((c) => STORE_TYPES.includes(c.type))) expect(store.dependencies, store.name).toContain(secretsFile.urn);
    expect(secretsFile.inputs["recipients"]).toEqual([
      "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
      "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    ]);
    expect(secretsFile.inputs["tenantId"]).toBe("acme");
    // The plaintext reaches the provider as a secret (the mock monitor sees the secret envelope).
    const plaintext = secretsFile.inputs["plaintext"] as { value?: unknown };
    expect(Object.keys(plaintext)).toContain("4dabf18193072939515e22adb298388d");
    expect(String(plaintext.value)).toMatch(/^minio:\n {2}accessKey: tenant-acme\n/);
  });

  it("names every resource per DESIGN §1 and labels Hetzner resources with the tenant", () => {
    const names = tenantNames("globex-eu");
    const children = childrenOf(registrations, "globex-eu");
    expect(one(children, T.network).inputs).toMatchObject({ name: "fb-globex-eu-net", labels: { "frostbyte.io/tenant": "globex-eu" } });
    expect(one(children, T.firewall).inputs).toMatchObject({ name: "fb-globex-eu-fw", labels: { "frostbyte.io/tenant": "globex-eu" } });
    expect(one(children, T.server).inputs).toMatchObject({
      name: "fb-globex-eu-srv", serverType: "cx32", location: "nbg1", image: "debian-12", labels: { "frostbyte.io/tenant": "globex-eu" },
    });
    expect(one(children, T.subnet).inputs).toMatchObject({ networkZone: "eu-central", type: "cloud" });
    expect(one(children, T.bucket).inputs).toMatchObject({ bucket: names.minio.bucket, acl: "private" });
    expect(one(children, T.versioning).inputs).toMatchObject({ versioningConfiguration: { status: "Enabled" } });
    expect(one(children, T.user).inputs).toMatchObject({ name: "tenant-globex-eu", disableUser: false });
    expect(one(children, T.policy).inputs).toMatchObject({ name: "tenant-globex-eu-rw" });
    expect(one(children, T.database).inputs).toMatchObject({ name: "tenant_globex_eu", owner: "tenant_globex_eu_app" });
    expect(one(children, T.collection).inputs).toMatchObject({ name: "tenant_globex_eu" });
    expect(one(children, T.redisUser).inputs).toMatchObject({ username: "tenant-globex-eu" });
  });

  it("attaches the server to the tenant's firewall and private network", () => {
    const children = childrenOf(registrations, "acme");
    const server = one(children, T.server).inputs as { firewallIds: number[]; networks: { networkId: number; ip: string }[]; userData: string };
    expect(server.firewallIds).toHaveLength(1);
    expect(server.networks).toEqual([{ networkId: expect.any(Number), ip: "10.42.1.10" }]);
    expect(server.userData.startsWith("#cloud-config\n")).toBe(true);
    expect(server.userData).not.toMatch(/mock-|test-[a-z]+-admin/);
  });

  it("gives the MinIO policy the tenant's bucket and nothing else, and denies the admin API and derived credentials", () => {
    const policy = JSON.parse(String(one(childrenOf(registrations, "acme"), T.policy).inputs["policy"])) as { Statement: { Resource?: string[]; Effect: string }[] };
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    expect([...new Set(allows.flatMap((s) => s.Resource ?? []))].sort()).toEqual(["arn:aws:s3:::tenant-acme", "arn:aws:s3:::tenant-acme/*"]);
    expect(policy.Statement.filter((s) => s.Effect !== "Allow")).toEqual([
      { Sid: "DenyAdminApi", Effect: "Deny", Action: ["admin:*"] },
      { Sid: "DenyDerivedCredentials", Effect: "Deny", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"], Condition: { StringEquals: { "aws:principaltype": ["AssumedRole"] } } },
    ]);
  });

  it("opens no admin or store port to the world", () => {
    for (const fw of registrations.filter((r) => r.type === T.firewall)) {
      const rules = fw.inputs["rules"] as { port?: string; sourceIps: string[]; direction: string }[];
      for (const rule of rules) {
        const world = rule.sourceIps.some(isWorldCidr);
        const protectedPorts = rule.port ? protectedPortsIn(rule.port) : [];
        expect({ rule, exposed: world && protectedPorts.length > 0 }).toMatchObject({ exposed: false });
      }
    }
    const acmeRules = one(childrenOf(registrations, "acme"), T.firewall).inputs["rules"];
    expect(acmeRules).toEqual([
      { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"], description: "SSH from operator networks" },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"], description: "ingress rule 0" },
    ]);
    expect(one(childrenOf(registrations, "globex-eu"), T.firewall).inputs["rules"]).toEqual([]);
  });

  it("gives the PostgreSQL role only LOGIN, with the configured connection limit", () => {
    const role = one(childrenOf(registrations, "globex-eu"), T.role).inputs;
    expect(role).toMatchObject({
      name: "tenant_globex_eu_app", login: true, superuser: false, createDatabase: false, createRole: false, replication: false, connectionLimit: 7,
    });
    expect(one(childrenOf(registrations, "acme"), T.role).inputs).toMatchObject({ connectionLimit: 20 });
    expect(one(childrenOf(registrations, "acme"), T.grant).inputs).toMatchObject({ role: "public", objectType: "database", privileges: [], database: "tenant_acme" });
  });

  it("gives the Redis user exactly the DESIGN §2 rules", () => {
    expect(one(childrenOf(registrations, "acme"), T.redisUser).inputs["rules"]).toEqual([
      "reset", "on", "resetkeys", "~tenant:acme:*", "resetchannels", "&tenant:acme:*",
      "-@all", "+@read", "+@write", "+@connection", "+@transaction", "+@pubsub", "-@admin", "-@dangerous", "-@scripting", "-scan", "-randomkey", "-dbsize",
      "-client|tracking", "-client|trackinginfo", "-client|caching", "-client|getredir", "-pubsub",
    ]);
  });

  it("creates the tenant's database closed to every connection and opens it only after PUBLIC's CONNECT is revoked", () => {
    const acme = childrenOf(registrations, "acme");
    const database = one(acme, T.database);
    expect(database.inputs).toMatchObject({ name: "tenant_acme", owner: "tenant_acme_app", allowConnections: false });
    const revoke = one(acme, T.grant);
    expect(revoke.inputs).toMatchObject({ database: "tenant_acme", role: "public", objectType: "database", privileges: [] });
    const opening = one(acme, T.databaseOpening);
    expect(opening.inputs).toMatchObject({ database: "tenant_acme" });
    expect(opening.dependencies).toContain(revoke.urn);
    expect(one(acme, T.verification).dependencies).toContain(opening.urn);
  });

  it("deletes the Redis user before the tenant's keys on a destroy: the user depends on the keys, which are never replaced", () => {
    const acme = childrenOf(registrations, "acme");
    const keys = one(acme, T.redisKeys);
    expect(keys.inputs).toMatchObject({ tenantId: "acme", pattern: "~tenant:acme:*" });
    expect(one(acme, T.redisUser).dependencies).toContain(keys.urn);
    expect(one(acme, T.verification).dependencies).toContain(keys.urn);
  });

  it("ends the PostgreSQL role's sessions after the role itself changes, on suspension and rotation", () => {
    const acme = childrenOf(registrations, "acme");
    const cutoff = one(acme, T.sessionCutoff);
    expect(cutoff.inputs).toMatchObject({ role: "tenant_acme_app", suspended: false, rotation: "initial" });
    expect(cutoff.dependencies).toContain(one(acme, T.role).urn);
  });

  it("asks Qdrant for a 768-dimension Cosine collection", () => {
    expect(one(childrenOf(registrations, "acme"), T.collection).inputs).toMatchObject({
      tenantId: "acme", name: "tenant_acme", vectorSize: 768, distance: "Cosine",
    });
  });

  it("grants the tenant's Qdrant token for its rotation, enabled", () => {
    expect(one(childrenOf(registrations, "acme"), T.tokenGrant).inputs).toMatchObject({ tenantId: "acme", rotation: "initial", enabled: true });
  });

  it("publishes credentials only as secrets, and endpoints without any", async () => {
    for (const [tenant, out] of Object.entries(outputs)) {
      expect(await pulumi.isSecret(out.credentials), tenant).toBe(true);
      expect(await pulumi.isSecret(out.endpoints), tenant).toBe(false);
      const credentials = await promiseOf(out.credentials);
      expect(credentials.minio.accessKey).toBe(`tenant-${tenant}`);
      expect(credentials.postgres.user).toBe(tenantNames(tenant).postgres.role);
      expect(JSON.stringify(await promiseOf(out.endpoints))).not.toMatch(/mock-|test-redis-admin|test-qdrant-admin-key/);
    }
  });
});

describe("the program under mocks, a suspended tenant (DESIGN §7)", () => {
  it("disables every credential, closes the firewall to all but operators' SSH, and keeps every store", async () => {
    const config = sampleStackConfig();
    const tenants = config["frostbyte:tenants"] as { id: string; suspended?: boolean }[];
    tenants[0]!.suspended = true;
    const run = await runProgram(config);
    if (run.error) throw run.error;
    const acme = childrenOf(run.registrations, "acme");
    expect(one(acme, T.redisUser).inputs["rules"]).toEqual(expect.arrayContaining(["off"]));
    expect(one(acme, T.redisUser).inputs["rules"]).not.toContain("on");
    expect(one(acme, T.role).inputs).toMatchObject({ login: false });
    expect(one(acme, T.sessionCutoff).inputs).toMatchObject({ role: "tenant_acme_app", suspended: true });
    expect(one(acme, T.user).inputs).toMatchObject({ disableUser: true });
    expect(one(acme, T.firewall).inputs["rules"]).toEqual([
      { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"], description: "SSH from operator networks" },
    ]);
    expect(one(acme, T.tokenGrant).inputs).toMatchObject({ enabled: false });
    expect(one(acme, T.complete).inputs).toMatchObject({ suspended: true });
    for (const type of [T.bucket, T.database, T.collection, T.server]) expect(acme.filter((r) => r.type === type), type).toHaveLength(1);
    const globex = childrenOf(run.registrations, "globex-eu");
    expect(one(globex, T.role).inputs).toMatchObject({ login: true });
    expect(one(globex, T.tokenGrant).inputs).toMatchObject({ enabled: true });
  });
});

describe("the program under mocks, offline mode", () => {
  it("registers no Hetzner resource and still provisions every store", async () => {
    const run = await runProgram(sampleOfflineStackConfig());
    if (run.error) throw run.error;
    expect(run.registrations.filter((r) => r.type.startsWith("hcloud:") || r.type === "pulumi:providers:hcloud")).toEqual([]);
    for (const type of [T.bucket, T.role, T.database, T.collection, T.redisKeys, T.redisUser]) {
      expect(run.registrations.filter((r) => r.type === type), type).toHaveLength(2);
    }
  });
});
