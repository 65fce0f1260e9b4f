/**
 * The role × action table (domain/authority.ts) as plain data: it says what issue #13 asks, the §6
 * keys are split as the README says, and mayChangeConfigKeys decides a patch by the keys it touches.
 * authority.test.ts calls every route with every role against the running portal.
 */
import { describe, expect, it } from "vitest";
import { CONFIG_KEY_OWNERS, DATA_POLICY_KEYS, mayChangeConfigKeys, OPERATOR_CONFIG_KEYS, PORTAL_ACTIONS, reachOf, rolesAllowed, ROLES, tenantConfigSchema, type PortalAction } from "../../domain";

/** The README's table: admin, auditor, tenant. */
const README_TABLE: Readonly<Record<PortalAction, readonly [string, string, string]>> = {
  "caller.read": ["every", "every", "own"],
  "tenants.list": ["every", "every", "own"],
  "tenants.create": ["every", "none", "none"],
  "tenant.read": ["every", "every", "own"],
  "tenant.audit": ["every", "every", "own"],
  "tenant.operations": ["every", "every", "own"],
  "tenant.configure": ["every", "none", "own"],
  "tenant.rotate": ["every", "none", "own"],
  "tenant.preview": ["every", "none", "none"],
  "tenant.suspend": ["every", "none", "none"],
  "tenant.resume": ["every", "none", "none"],
  "tenant.deprovision": ["every", "none", "none"],
  "portal.metrics": ["every", "none", "none"],
};

describe("the role × action table", () => {
  it("is the README's table", () => {
    expect(ROLES).toEqual(["admin", "auditor", "tenant"]);
    for (const action of Object.keys(PORTAL_ACTIONS) as PortalAction[]) {
      expect(ROLES.map((role) => reachOf(role, action)), action).toEqual(README_TABLE[action]);
    }
    expect(Object.keys(README_TABLE).sort()).toEqual(Object.keys(PORTAL_ACTIONS).sort());
  });

  it("an auditor changes nothing; only operators suspend, resume (lift a suspension), deprovision and create", () => {
    for (const action of ["tenants.create", "tenant.configure", "tenant.rotate", "tenant.preview", "tenant.suspend", "tenant.resume", "tenant.deprovision"] as const) {
      expect(reachOf("auditor", action), action).toBe("none");
    }
    for (const action of ["tenants.create", "tenant.suspend", "tenant.resume", "tenant.deprovision"] as const) expect(rolesAllowed(action)).toEqual(["admin"]);
    expect(rolesAllowed("tenant.configure")).toEqual(["admin", "tenant"]);
  });

  it("places every §6 key: the data policy is the tenant's, cost, reach, capacity and the embedding model the operators'", () => {
    expect(Object.keys(CONFIG_KEY_OWNERS).sort()).toEqual(Object.keys(tenantConfigSchema.shape).sort());
    expect([...DATA_POLICY_KEYS].sort()).toEqual(["classification", "generation_enabled", "injection", "mime_allowlist", "pii", "retention_days"]);
    expect([...OPERATOR_CONFIG_KEYS].sort()).toEqual(["embedding", "network", "quotas", "server"]);
  });
});

describe("mayChangeConfigKeys", () => {
  it.each([
    ["admin", { server: { type: "cx52" }, pii: null }, { allowed: true }],
    ["tenant", { pii: { mode: "block" }, retention_days: 30, config_version: 7 }, { allowed: true }],
    ["tenant", {}, { allowed: true }],
    ["tenant", { quotas: null, pii: { mode: "flag" }, embedding: { model: "x" } }, { allowed: false, refusedKeys: ["embedding", "quotas"] }],
    // Unknown keys are the validation's (400 naming the path), not the table's.
    ["tenant", { surprise: 1 }, { allowed: true }],
    ["auditor", { pii: { mode: "flag" } }, { allowed: false, refusedKeys: ["pii"] }],
  ] as const)("%s patching %j → %j", (role, patch, decision) => {
    expect(mayChangeConfigKeys(role, patch)).toEqual(decision);
  });
});
