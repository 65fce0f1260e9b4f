import { describe, expect, it } from "vitest";
import { tenantRoleFlags } from "../../components/postgres/tenantDatabase";
import { postgresRoleLeastPrivilege, postgresRoleProblems } from "../../policy/postgresRoleFlags";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { assertHasResourceViolation, assertNoResourceViolations, secret } from "./harness";

const policy = postgresRoleLeastPrivilege;

function role(props: Record<string, unknown>) {
  return { type: RESOURCE_TYPES.postgresRole, name: "tenant_acme_app", props: { name: "tenant_acme_app", password: secret("pw"), ...props } };
}

describe("policy 4: postgres-role-least-privilege", () => {
  it("passes the flags the program sets, active or suspended", async () => {
    await assertNoResourceViolations(policy, role({ ...tenantRoleFlags(false) }));
    await assertNoResourceViolations(policy, role({ ...tenantRoleFlags(true) }));
  });

  it("passes a role whose flags are absent (the provider defaults them to false)", async () => {
    await assertNoResourceViolations(policy, role({ login: true }));
  });

  for (const [property, sql] of [
    ["superuser", "SUPERUSER"],
    ["createDatabase", "CREATEDB"],
    ["createRole", "CREATEROLE"],
    ["replication", "REPLICATION"],
    ["bypassRowLevelSecurity", "BYPASSRLS"],
  ] as const) {
    it(`refuses ${property}: true, naming the role and the rule`, async () => {
      await assertHasResourceViolation(policy, role({ ...tenantRoleFlags(false), [property]: true }), {
        message: ['postgresql Role "tenant_acme_app"', `${property} is true (${sql})`, "DESIGN §2"],
      });
    });
  }

  it("refuses membership in another role", async () => {
    await assertHasResourceViolation(policy, role({ roles: ["pg_read_all_data"] }), { message: 'roles is ["pg_read_all_data"]' });
  });

  it("counts anything but false or absent as set", () => {
    expect(postgresRoleProblems({ superuser: "true" })).toEqual([expect.stringContaining('superuser is "true"')]);
    expect(postgresRoleProblems({ superuser: null, createRole: false, roles: [] })).toEqual([]);
  });
});
