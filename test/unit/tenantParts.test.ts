import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { earlierPartNames, partName, TENANT_PART_ROLES, tenantPart, type TenantPartRole } from "../../components/partOptions";
import { TENANT_TYPE } from "../../components/tenant";
import { tenantNames } from "../../domain";
import { FIXTURE_STATE } from "../e2e/fixtures/tenant-identity/fixture";
import type { Registration } from "../support/pulumiMocks";
import { runProgram } from "../support/runProgram";
import { sampleOfflineStackConfig, sampleStackConfig } from "../support/sampleStackConfig";

/** A tenant's child as registered: its name, and the names its aliases give (same parent, same type). */
interface Child {
  readonly type: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

interface AliasRequest {
  getAliasesList(): { getSpec(): { getName(): string; getType(): string; getParenturn(): string } | undefined; getUrn(): string }[];
  getType(): string;
  getName(): string;
  getParent(): string;
}

/**
 * The recording mocks keep no aliases, so the monitor is wrapped once more to read them from each
 * request: an alias here must be a bare name (the parent and type stay the resource's own).
 */
function recordAliases(): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: AliasRequest, callback: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const names = req.getAliasesList().map((alias) => {
      const spec = alias.getSpec();
      if (!spec || spec.getType() !== "" || spec.getParenturn() !== req.getParent()) throw new Error(`${req.getName()}: an alias other than a bare name`);
      return spec.getName();
    });
    aliases.set(`${req.getType()}::${req.getName()}`, names);
    return register(req, callback);
  };
  return aliases;
}

function tenantChildren(registrations: Registration[], aliases: Map<string, string[]>): Map<string, Child[]> {
  const tenants = new Map(registrations.filter((r) => r.type === TENANT_TYPE).map((r) => [r.urn, r.name]));
  const children = new Map<string, Child[]>();
  for (const r of registrations) {
    const tenant = tenants.get(r.parent);
    if (tenant === undefined) continue;
    children.set(tenant, [...(children.get(tenant) ?? []), { type: r.type, name: r.name, aliases: aliases.get(`${r.type}::${r.name}`) ?? [] }]);
  }
  return children;
}

describe("one name rule for a tenant's parts", () => {
  it("names a part {tenantId}-{role}", () => {
    expect(partName("globex-eu", "minio-bucket")).toBe("globex-eu-minio-bucket");
    expect(new Set(TENANT_PART_ROLES).size).toBe(TENANT_PART_ROLES.length);
    for (const role of TENANT_PART_ROLES) expect(role).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it("keeps a part's earlier name as an alias, and adds none where the name did not change", () => {
    const names = tenantNames("globex-eu");
    const parent = { parent: {} as pulumi.Resource };
    expect(tenantPart(names, "minio-policy-attachment", parent)).toEqual(["globex-eu-minio-policy-attachment", { ...parent, aliases: [{ name: "tenant-globex-eu-policy" }] }]);
    expect(tenantPart(names, "postgres-role", { ...parent, aliases: ["urn:x"] })[1].aliases).toEqual(["urn:x", { name: "tenant_globex_eu_app" }]);
    expect(tenantPart(names, "redis-acl-user", parent)).toEqual(["globex-eu-redis-acl-user", parent]);
  });
});

describe("the program under mocks: every child of a tenant by the rule, with its earlier name aliased", () => {
  let online: Map<string, Child[]>;
  let offline: Map<string, Child[]>;

  beforeAll(async () => {
    await runProgram(sampleStackConfig()); // installs the recording mocks, which the alias recorder wraps
    const aliases = recordAliases();
    const onlineRun = await runProgram(sampleStackConfig());
    if (onlineRun.error) throw onlineRun.error;
    online = tenantChildren(onlineRun.registrations, aliases);
    const offlineRun = await runProgram(sampleOfflineStackConfig());
    if (offlineRun.error) throw offlineRun.error;
    offline = tenantChildren(offlineRun.registrations, aliases);
  });

  function rolesOf(tenant: string, children: readonly Child[]): string[] {
    return children.map((child) => {
      const role = TENANT_PART_ROLES.find((candidate) => child.name === partName(tenant, candidate));
      expect(role, `${child.type} "${child.name}" of tenant ${tenant} follows no role`).toBeDefined();
      expect(child.aliases, child.name).toEqual(earlierPartNames(tenantNames(tenant), role as TenantPartRole));
      return role!;
    });
  }

  it("online: each of the 25 roles once per tenant", () => {
    for (const tenant of ["acme", "globex-eu"]) expect(rolesOf(tenant, online.get(tenant) ?? []).sort()).toEqual([...TENANT_PART_ROLES].sort());
  });

  it("offline: every role but Hetzner's once per tenant", () => {
    const roles = TENANT_PART_ROLES.filter((role) => !role.startsWith("hetzner-"));
    for (const tenant of ["acme", "globex-eu"]) expect(rolesOf(tenant, offline.get(tenant) ?? []).sort()).toEqual([...roles].sort());
  });

  it("every child of the stack recorded before the rule is found under its new name or an alias of it", () => {
    const state = JSON.parse(readFileSync(FIXTURE_STATE, "utf8")) as { deployment: { resources: { urn: string; type: string; parent?: string }[] } };
    const recorded = state.deployment.resources
      .filter((resource) => resource.parent?.includes(`::${TENANT_TYPE}::`))
      .map((resource) => `${resource.parent!.split("::").at(-1)} ${resource.type} ${resource.urn.split("::").at(-1)}`);
    const known = [...online].flatMap(([tenant, children]) => children.flatMap((child) => [child.name, ...child.aliases].map((name) => `${tenant} ${child.type} ${name}`)));
    expect(recorded).toHaveLength(50);
    expect(recorded.filter((child) => !known.includes(child))).toEqual([]);
  });
});
