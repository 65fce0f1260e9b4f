/**
 * The credential rotation token (`frostbyte:tenants[].rotation`): validated with its path, passed by
 * the program to every keeper (the three passwords and the age key) and to the write-back, written
 * into a tenant stack's config, and read from the registry for every later operation.
 */
import { describe, expect, it } from "vitest";
import { ConfigValidationError, INITIAL_ROTATION, nextRotationToken, parseStackConfig, parseTenantConfig, rotationGeneration, rotationTokenProblem } from "../../domain";
import type { Tenant } from "../../controlplane";
import { partName, type TenantPartRole } from "../../components/partOptions";
import { baseConfigFromValues, desiredStateFromRegistry, tenantStackConfig } from "../../stacks";
import type { Registration } from "../support/pulumiMocks";
import { runProgram } from "../support/runProgram";
import { sampleStackConfig } from "../support/sampleStackConfig";

const BAD_TOKENS: readonly unknown[] = ["", "R2", "-r2", ".r2", "r 2", "r2\n", "rötation", "r/2", "x".repeat(64), 2, true, null, ["r2"], { r: 2 }];
const GOOD_TOKENS: readonly string[] = ["initial", "r2", "r12345", "2026-11-23t10.15_x", "0", "x".repeat(63)];

const STORE_TYPES = /^(hcloud|minio|postgresql|random|pulumi-nodejs):|^frostbyte:tenant:Tenant$/;

function parseTenants(tenants: unknown[]) {
  const values: Record<string, string> = Object.fromEntries(
    Object.entries(sampleStackConfig({ "frostbyte:tenants": tenants })).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return parseStackConfig((key) => values[key]);
}

function registryRow(overrides: Partial<Tenant> = {}): Tenant {
  const at = new Date("2026-01-01T00:00:00Z");
  return {
    tenantId: "acme",
    state: "ACTIVE",
    config: parseTenantConfig({}),
    configVersion: 1,
    createdAt: at,
    updatedAt: at,
    provisioningStartedAt: at,
    provisionedAt: at,
    agePublicKey: null,
    endpoints: {},
    credentialRotation: "r4",
    ...overrides,
  };
}

describe("the rotation token of a tenant entry", () => {
  it("defaults to initial, so stacks written before rotation existed keep their credentials", () => {
    expect(parseTenants([{ id: "acme" }, { id: "globex", rotation: "r3" }]).tenants.map((t) => [t.id, t.rotation])).toEqual([
      ["acme", INITIAL_ROTATION],
      ["globex", "r3"],
    ]);
  });

  it.each(GOOD_TOKENS.map((token) => [token]))("accepts %j", (token) => {
    expect(parseTenants([{ id: "acme", rotation: token }]).tenants[0]?.rotation).toBe(token);
    expect(rotationTokenProblem(token)).toBeUndefined();
  });

  it.each(BAD_TOKENS.map((token) => [JSON.stringify(token), token]))("refuses %s, naming the entry's path", (_label, token) => {
    let error: unknown;
    try {
      parseTenants([{ id: "good-one" }, { id: "acme", rotation: token }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([{ path: "frostbyte:tenants[1].rotation", message: expect.stringContaining("must be a rotation token") }]);
    expect(rotationTokenProblem(token)).toMatch(/must be a rotation token/);
  });

  it("a bad token stops the program before any store resource is registered", async () => {
    const run = await runProgram(sampleStackConfig({ "frostbyte:tenants": [{ id: "acme", rotation: "Not A Token" }] }));
    expect(run.error?.message).toContain("frostbyte:tenants[0].rotation: must be a rotation token");
    expect(run.registrations.filter((r) => STORE_TYPES.test(r.type))).toEqual([]);
  });

  it("counts generations: initial is 1, rN is N, and the next token follows", () => {
    expect(rotationGeneration("initial")).toBe(1);
    expect(rotationGeneration("r7")).toBe(7);
    expect(rotationGeneration("r07")).toBeUndefined();
    expect(rotationGeneration("by-hand")).toBeUndefined();
    expect(nextRotationToken("initial")).toBe("r2");
    expect(nextRotationToken("r2")).toBe("r3");
    expect(nextRotationToken("r99")).toBe("r100");
    // A token set by hand starts the command's own counting again; r2 still differs from it.
    expect(nextRotationToken("by-hand")).toBe("r2");
    expect(rotationTokenProblem(nextRotationToken("r999999999"))).toBeUndefined();
  });
});

describe("the program passes the token to every keeper and to the write-back (mocks)", () => {
  let registrations: Registration[];
  const ofTenant = (tenant: string, type: string) => registrations.filter((r) => r.type === type && r.name.startsWith(`${tenant}-`));

  it("runs with acme rotated to r7 and globex-eu never rotated", async () => {
    const tenants = [{ id: "acme", rotation: "r7" }, { id: "globex-eu" }];
    const run = await runProgram(sampleStackConfig({ "frostbyte:tenants": tenants }));
    expect(run.error).toBeUndefined();
    registrations = run.registrations;
  });

  it("the three passwords, the age key and the Qdrant token grant are kept on the tenant's own token", () => {
    for (const [tenant, token] of [["acme", "r7"], ["globex-eu", "initial"]] as const) {
      const passwords = ofTenant(tenant, "random:index/randomPassword:RandomPassword");
      expect(passwords.map((p) => p.name).sort()).toEqual([`${tenant}-minio-secret-key`, `${tenant}-postgres-password`, `${tenant}-redis-password`]);
      for (const password of passwords) expect(password.inputs["keepers"]).toEqual({ rotation: token });
      const [ageKey] = ofTenant(tenant, "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey");
      expect(ageKey?.inputs).toMatchObject({ tenantId: tenant, rotation: token });
      const [grant] = ofTenant(tenant, "pulumi-nodejs:dynamic/frostbyte:QdrantTokenGrant");
      expect(grant?.inputs).toMatchObject({ tenantId: tenant, rotation: token });
      const [complete] = ofTenant(tenant, "pulumi-nodejs:dynamic/frostbyte:TenantProvisioningComplete");
      expect(complete?.inputs).toMatchObject({ tenantId: tenant, credentialRotation: token });
    }
  });

  it("MinIO: the user depends on the policy and the attachment is deleted with the user", () => {
    const byName = (type: string, role: TenantPartRole) => registrations.find((r) => r.type === type && r.name === partName("acme", role));
    const user = byName("minio:index/iamUser:IamUser", "minio-user");
    const policy = byName("minio:index/iamPolicy:IamPolicy", "minio-policy");
    const attachment = byName("minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment", "minio-policy-attachment");
    expect(user?.inputs).toMatchObject({ updateSecret: false, disableUser: false });
    // A destroy deletes dependents first: the user before the policy it depends on.
    expect(user?.dependencies).toContain(policy?.urn);
    expect(policy?.dependencies).not.toContain(user?.urn);
    expect(attachment?.deletedWith).toBe(user?.urn);
    expect(user?.deletedWith).toBe("");
  });
});

describe("the token in a tenant stack's config and from the registry", () => {
  const base = () => {
    const values = sampleStackConfig();
    delete values["frostbyte:tenants"];
    return baseConfigFromValues(values);
  };
  const entry = (map: ReturnType<typeof tenantStackConfig>) => JSON.parse(map["frostbyte:tenants"]?.value ?? "[]") as unknown[];

  it("is written into frostbyte:tenants when given, and left out (initial) when not", () => {
    const config = parseTenantConfig({});
    expect(entry(tenantStackConfig(base(), "acme", { config, suspended: false, rotation: "r3" }))).toEqual([{ id: "acme", config, suspended: false, rotation: "r3" }]);
    expect(entry(tenantStackConfig(base(), "acme", { config, suspended: true }))).toEqual([{ id: "acme", config, suspended: true }]);
  });

  it("a bad token is refused with its path before the stack gets the config", () => {
    expect(() => tenantStackConfig(base(), "acme", { config: parseTenantConfig({}), suspended: false, rotation: "BAD" })).toThrow(/frostbyte:tenants\[0\]\.rotation: must be a rotation token/);
  });

  it("desiredStateFromRegistry returns the stored token, with and without overrides", () => {
    const row = registryRow();
    expect(desiredStateFromRegistry(row)).toEqual({ config: row.config, suspended: false, rotation: "r4" });
    expect(desiredStateFromRegistry(row, { suspended: true })).toEqual({ config: row.config, suspended: true, rotation: "r4" });
    expect(desiredStateFromRegistry(registryRow({ state: "SUSPENDED", credentialRotation: "initial" }), { suspended: false })).toEqual({ config: row.config, suspended: false, rotation: "initial" });
    // A hand-built row without the field stands for a never-rotated tenant.
    expect(desiredStateFromRegistry(registryRow({ credentialRotation: undefined })).rotation).toBe("initial");
  });
});
