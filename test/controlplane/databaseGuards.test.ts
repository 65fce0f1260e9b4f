/**
 * What migration 009 makes the database refuse to anyone, a superuser at psql included: edits of
 * the audit log that match no row, removal of registry rows, ids that break DESIGN §1, and
 * registry changes written without their §5 event in the same transaction.
 */
import { describe, expect, it } from "vitest";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";

const cp = useControlPlaneDatabase();
const actor = "test-operator";

/** Runs the statements in one transaction as a superuser; resolves when COMMIT succeeds. */
function superuserTransaction(statements: readonly string[]): Promise<void> {
  return cp.db.asSuperuser(async (client) => {
    await client.query("BEGIN");
    try {
      for (const sql of statements) await client.query(sql);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}

const event = (tenantId: string, type: string) => `INSERT INTO audit_events (tenant_id, event_type, actor) VALUES ('${tenantId}', '${type}', 'psql')`;

describe("the audit log refuses edits that match no row", () => {
  it.each([
    ["UPDATE", "UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = 'nobody-here'"],
    ["DELETE", "DELETE FROM audit_events WHERE tenant_id = 'nobody-here'"],
    ["UPDATE", "UPDATE audit_events SET details = '{}'"],
  ])("a superuser's %s is refused even when no event matches", async (operation, sql) => {
    await cp.db.asSuperuser(async (client) => {
      await expect(client.query(sql)).rejects.toThrow(`audit_events is append-only: ${operation} is not allowed`);
      await client.query("SET session_replication_role = replica");
      await expect(client.query(sql)).rejects.toThrow(`audit_events is append-only: ${operation} is not allowed`);
    });
  });
});

describe("the registry keeps every tenant", () => {
  it.each([
    ["DELETE", "DELETE FROM tenants WHERE tenant_id = 'kept'"],
    ["DELETE", "DELETE FROM tenants WHERE tenant_id = 'never-registered'"],
    ["TRUNCATE", "TRUNCATE tenants CASCADE"],
  ])("a superuser's %s of tenants is refused", async (operation, sql) => {
    await cp.registry.createTenant("kept", { actor }).catch(() => undefined);
    await cp.db.asSuperuser((client) => expect(client.query(sql)).rejects.toThrow(`tenants keeps every tenant: ${operation} is not allowed`));
    expect((await cp.registry.getTenant("kept")).state).toBe("PENDING");
    expect(await cp.registry.listEvents("kept")).toHaveLength(1);
  });
});

describe("tenant_id keeps DESIGN §1 in the database", () => {
  it.each(["Bad_Id", "ab", "a--b", "1abc", "abc-", "-abc", "a".repeat(31), "аbc", "ab c", "abc\n"])(
    "a superuser's INSERT of %j is refused by tenants_id_rule",
    async (id) => {
      await expect(
        superuserTransaction([`INSERT INTO tenants (tenant_id) VALUES ('${id.replace(/'/g, "''")}')`, event(id, "TENANT_CREATED")]),
      ).rejects.toThrow(/tenants_id_rule/);
    },
  );

  it("accepts the shortest and the longest valid ids", async () => {
    for (const id of ["a1b", `z${"9".repeat(28)}z`]) {
      await superuserTransaction([`INSERT INTO tenants (tenant_id) VALUES ('${id}')`, event(id, "TENANT_CREATED")]);
      expect((await cp.registry.getTenant(id)).state).toBe("PENDING");
    }
  });
});

describe("a registry change needs its audit event in the same transaction", () => {
  it("refuses a tenant inserted without TENANT_CREATED, and keeps nothing of it", async () => {
    await expect(superuserTransaction(["INSERT INTO tenants (tenant_id) VALUES ('silent')"])).rejects.toThrow(
      'tenant "silent": a new tenant must be recorded with its TENANT_CREATED audit event in the same transaction',
    );
    await expect(cp.registry.getTenant("silent")).rejects.toThrow(/silent/);
  });

  it("refuses a state change without its event, or with another event, or with an event of an earlier transaction", async () => {
    await cp.registry.createTenant("hand-moved", { actor });
    const move = "UPDATE tenants SET state = 'PROVISIONING' WHERE tenant_id = 'hand-moved'";
    const refusal = 'tenant "hand-moved": PENDING -> PROVISIONING must be recorded with its TENANT_PROVISION_STARTED audit event in the same transaction';

    await expect(superuserTransaction([move])).rejects.toThrow(refusal);
    await expect(superuserTransaction([move, event("hand-moved", "TENANT_PROVISIONED")])).rejects.toThrow(refusal);
    await expect(superuserTransaction([move, event("hand-moved", "TENANT_ISOLATION_VERIFIED")])).rejects.toThrow(refusal);
    await superuserTransaction([event("hand-moved", "TENANT_PROVISION_STARTED")]);
    await expect(superuserTransaction([move])).rejects.toThrow(refusal);
    expect((await cp.registry.getTenant("hand-moved")).state).toBe("PENDING");
  });

  it("accepts the change with its event in the same transaction, in either order", async () => {
    await cp.registry.createTenant("by-hand", { actor });
    await superuserTransaction([event("by-hand", "TENANT_PROVISION_STARTED"), "UPDATE tenants SET state = 'PROVISIONING' WHERE tenant_id = 'by-hand'"]);
    await superuserTransaction(["UPDATE tenants SET state = 'FAILED' WHERE tenant_id = 'by-hand'", event("by-hand", "TENANT_PROVISION_FAILED")]);
    expect((await cp.registry.getTenant("by-hand")).state).toBe("FAILED");
    expect((await cp.registry.verifyChain("by-hand")).ok).toBe(true);
  });

  it("refuses a config_version bump without TENANT_CONFIG_UPDATED; since 011 endpoints need their event too", async () => {
    await cp.registry.createTenant("versioned", { actor });
    await expect(superuserTransaction(["UPDATE tenants SET config_version = config_version + 1 WHERE tenant_id = 'versioned'"])).rejects.toThrow(
      'tenant "versioned": config_version 1 -> 2 must be recorded with its TENANT_CONFIG_UPDATED audit event in the same transaction',
    );
    // 011: the event must name the new version in its details.
    await superuserTransaction([
      "UPDATE tenants SET config_version = 2 WHERE tenant_id = 'versioned'",
      `INSERT INTO audit_events (tenant_id, event_type, actor, details) VALUES ('versioned', 'TENANT_CONFIG_UPDATED', 'psql', '{"new_config_version": 2}')`,
    ]);
    const endpoints = `UPDATE tenants SET endpoints = '{"api_url": "https://a.example"}' WHERE tenant_id = 'versioned'`;
    await expect(superuserTransaction([endpoints])).rejects.toThrow('tenant "versioned": an endpoints change must be recorded with its TENANT_ENDPOINTS_UPDATED or TENANT_PROVISIONED audit event');
    expect((await cp.registry.getTenant("versioned")).configVersion).toBe(2);
  });

  it("lets the registry's own changes through for the runtime role", async () => {
    await cp.registry.createTenant("through-registry", { actor });
    await cp.registry.updateConfig("through-registry", { pii: { mode: "block" } }, { actor });
    for (const state of ["PROVISIONING", "ACTIVE", "SUSPENDED", "ACTIVE", "DEPROVISIONING", "DEPROVISIONED"] as const) {
      await cp.registry.transition("through-registry", state, { actor });
    }
    expect((await cp.registry.listEvents("through-registry")).map((e) => e.eventType)).toEqual([
      "TENANT_CREATED",
      "TENANT_CONFIG_UPDATED",
      "TENANT_PROVISION_STARTED",
      "TENANT_PROVISIONED",
      "TENANT_SUSPENDED",
      "TENANT_RESUMED",
      "TENANT_DEPROVISION_STARTED",
      "TENANT_DEPROVISIONED",
    ]);
  });
});
