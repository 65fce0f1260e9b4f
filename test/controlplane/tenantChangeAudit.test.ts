/**
 * Migration 011: every change of a tenant row needs an audit event of the same transaction that
 * describes it, for the runtime role (the services' login) as for the registry; the row's times and
 * an event's occurred_at are the server's.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";

const cp = useControlPlaneDatabase();
const actor = "test-operator";
const AGE_KEY = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const OTHER_AGE_KEY = "age1pw2fcn6vzr6nhuzcn8fhvse7m24nlfq4wjn25djpq65zk9kue5qsx3ayy5";

/** Runs the statements in one transaction as the runtime login; resolves when COMMIT succeeds. */
async function runtimeTransaction(statements: readonly (readonly [string, unknown[]?])[]): Promise<void> {
  const client: pg.PoolClient = await cp.db.pool.connect();
  try {
    await client.query("BEGIN");
    try {
      for (const [sql, values] of statements) await client.query(sql, values);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  } finally {
    client.release();
  }
}

const insertEvent = (tenantId: string, type: string, details: object): readonly [string, unknown[]] => [
  "INSERT INTO audit_events (tenant_id, event_type, actor, details) VALUES ($1, $2, 'psql', $3::jsonb)",
  [tenantId, type, JSON.stringify(details)],
];

async function activeTenant(tenantId: string): Promise<void> {
  await cp.registry.createTenant(tenantId, { actor });
  await cp.registry.transition(tenantId, "PROVISIONING", { actor });
  await cp.registry.transition(tenantId, "ACTIVE", { actor, endpoints: { api_url: `https://${tenantId}.example/api` } });
}

interface HandChange {
  /** The UPDATE the runtime role tries. */
  readonly sql: string;
  /** What the refusal says changed, and which event it asks for. */
  readonly refusal: string;
  /** An event of the right type whose details do not describe this change. */
  readonly wrongEvent: { readonly type: string; readonly details: object };
  /** The event that records the change. */
  readonly event: { readonly type: string; readonly details: object };
}

const HAND_CHANGES: Record<string, HandChange> = {
  "config without a version bump": {
    sql: "UPDATE tenants SET config = jsonb_set(config, '{retention_days}', '7') WHERE tenant_id = $1",
    refusal: 'a config change of ["retention_days"] without a config_version bump must be recorded with its TENANT_CONFIG_UPDATED audit event',
    wrongEvent: { type: "TENANT_CONFIG_UPDATED", details: { new_config_version: 1, changed_settings: ["pii"] } },
    event: { type: "TENANT_CONFIG_UPDATED", details: { new_config_version: 1, changed_settings: ["retention_days"] } },
  },
  "config with a version bump": {
    sql: "UPDATE tenants SET config = jsonb_set(config, '{retention_days}', '8') || '{\"config_version\": 2}', config_version = 2 WHERE tenant_id = $1",
    refusal: "config_version 1 -> 2 must be recorded with its TENANT_CONFIG_UPDATED audit event",
    wrongEvent: { type: "TENANT_CONFIG_UPDATED", details: { new_config_version: 3, changed_settings: ["retention_days"] } },
    event: { type: "TENANT_CONFIG_UPDATED", details: { old_config_version: 1, new_config_version: 2, changed_settings: ["retention_days"] } },
  },
  endpoints: {
    sql: `UPDATE tenants SET endpoints = '{"api_url": "https://evil.example/api"}' WHERE tenant_id = $1`,
    refusal: "an endpoints change must be recorded with its TENANT_ENDPOINTS_UPDATED or TENANT_PROVISIONED audit event",
    wrongEvent: { type: "TENANT_ENDPOINTS_UPDATED", details: { endpoints: { api_url: "https://harmless.example/api" } } },
    event: { type: "TENANT_ENDPOINTS_UPDATED", details: { endpoints: { api_url: "https://evil.example/api" } } },
  },
  "age key": {
    sql: `UPDATE tenants SET age_public_key = '${OTHER_AGE_KEY}' WHERE tenant_id = $1`,
    refusal: "an age_public_key change must be recorded with its TENANT_AGE_KEY_UPDATED audit event",
    wrongEvent: { type: "TENANT_AGE_KEY_UPDATED", details: { age_recipient: AGE_KEY } },
    event: { type: "TENANT_AGE_KEY_UPDATED", details: { age_recipient: OTHER_AGE_KEY } },
  },
  "rotation token": {
    sql: "UPDATE tenants SET credential_rotation = 'r9' WHERE tenant_id = $1",
    refusal: "credential_rotation initial -> r9 must be recorded with its TENANT_ROTATION_TOKEN_UPDATED or TENANT_CREDENTIALS_ROTATED audit event",
    wrongEvent: { type: "TENANT_ROTATION_TOKEN_UPDATED", details: { rotation: "r8" } },
    event: { type: "TENANT_ROTATION_TOKEN_UPDATED", details: { previous_rotation: "initial", rotation: "r9" } },
  },
};

describe("the runtime role cannot change a tenant without an event that describes the change", () => {
  it.each(Object.entries(HAND_CHANGES))("%s: refused alone and with a non-describing event, accepted with its event", async (name, change) => {
    const id = `hand-${name.replace(/[^a-z]+/g, "-")}`.slice(0, 24).replace(/-+$/, "");
    await activeTenant(id);
    await cp.registry.setAgePublicKey(id, AGE_KEY, { actor });
    const before = await cp.registry.getTenant(id);
    const eventsBefore = await cp.registry.listEvents(id);

    await expect(runtimeTransaction([[change.sql, [id]]])).rejects.toThrow(`tenant "${id}": ${change.refusal} in the same transaction`);
    await expect(runtimeTransaction([[change.sql, [id]], insertEvent(id, change.wrongEvent.type, change.wrongEvent.details)])).rejects.toThrow(change.refusal);
    await expect(runtimeTransaction([[change.sql, [id]], insertEvent(id, "TENANT_ISOLATION_VERIFIED", change.event.details)])).rejects.toThrow(change.refusal);
    // An event of an earlier transaction does not count.
    await runtimeTransaction([insertEvent(id, change.event.type, change.event.details)]);
    await expect(runtimeTransaction([[change.sql, [id]]])).rejects.toThrow(change.refusal);
    expect(await cp.registry.getTenant(id)).toEqual(before);

    await runtimeTransaction([[change.sql, [id]], insertEvent(id, change.event.type, change.event.details)]);
    expect(await cp.registry.getTenant(id)).not.toEqual(before);
    expect((await cp.registry.listEvents(id)).length).toBe(eventsBefore.length + 2);
    expect((await cp.registry.verifyChain(id)).ok).toBe(true);
  });

  it("a tenant inserted with endpoints, an age key or a token needs their events beside TENANT_CREATED", async () => {
    const insert: readonly [string, unknown[]] = ["INSERT INTO tenants (tenant_id, endpoints, age_public_key) VALUES ('born-loaded', '{\"api_url\": \"https://x.example\"}', $1)", [AGE_KEY]];
    const created = insertEvent("born-loaded", "TENANT_CREATED", {});
    await expect(runtimeTransaction([insert, created])).rejects.toThrow('tenant "born-loaded": an endpoints change must be recorded');
    await expect(runtimeTransaction([insert, created, insertEvent("born-loaded", "TENANT_ENDPOINTS_UPDATED", { endpoints: { api_url: "https://x.example" } })])).rejects.toThrow(
      'tenant "born-loaded": an age_public_key change must be recorded',
    );
  });

  it("the runtime role may neither switch the check off nor leave it for later", async () => {
    await activeTenant("no-escape");
    const change = HAND_CHANGES["endpoints"];
    if (change === undefined) throw new Error("the endpoints case is missing");
    await expect(cp.db.pool.query("ALTER TABLE tenants DISABLE TRIGGER tenants_change_is_audited")).rejects.toThrow(/must be owner/);
    await expect(cp.db.pool.query("SET session_replication_role = replica")).rejects.toThrow(/permission denied/);
    await expect(runtimeTransaction([["SET CONSTRAINTS ALL IMMEDIATE"], [change.sql, ["no-escape"]]])).rejects.toThrow(change.refusal);
  });
});

describe("every registry change writes its event", () => {
  it("recordEndpoints writes TENANT_ENDPOINTS_UPDATED with the new endpoints; the same endpoints again write nothing", async () => {
    await activeTenant("moved");
    const endpoints = { api_url: "https://moved.example/api/v2", server_ips: ["203.0.113.9"] };
    await cp.registry.recordEndpoints("moved", endpoints, { actor: "pulumi", details: { reason: "new server" } });
    const last = (await cp.registry.listEvents("moved")).at(-1);
    expect(last).toMatchObject({ eventType: "TENANT_ENDPOINTS_UPDATED", actor: "pulumi", details: { reason: "new server", endpoints, changed_endpoints: ["api_url", "server_ips"] } });
    const count = (await cp.registry.listEvents("moved")).length;
    await cp.registry.recordEndpoints("moved", endpoints, { actor: "pulumi" });
    expect(await cp.registry.listEvents("moved")).toHaveLength(count);
  });

  it("the move to ACTIVE records the first endpoints in TENANT_PROVISIONED; no other move takes endpoints", async () => {
    await activeTenant("first-endpoints");
    const provisioned = (await cp.registry.listEvents("first-endpoints")).at(-1);
    expect(provisioned).toMatchObject({ eventType: "TENANT_PROVISIONED", details: { from: "PROVISIONING", to: "ACTIVE", endpoints: { api_url: "https://first-endpoints.example/api" } } });
    expect((await cp.registry.getTenant("first-endpoints")).endpoints).toEqual({ api_url: "https://first-endpoints.example/api" });
    await expect(cp.registry.transition("first-endpoints", "SUSPENDED", { actor, endpoints: {} })).rejects.toThrow(
      'tenant "first-endpoints": endpoints are recorded with PROVISIONING -> ACTIVE only, not ACTIVE -> SUSPENDED; use recordEndpoints',
    );
    expect((await cp.registry.getTenant("first-endpoints")).state).toBe("ACTIVE");
  });

  it("setAgePublicKey writes TENANT_AGE_KEY_UPDATED with the new and previous recipient", async () => {
    await activeTenant("rekeyed");
    await cp.registry.setAgePublicKey("rekeyed", AGE_KEY, { actor: "pulumi" });
    await cp.registry.setAgePublicKey("rekeyed", OTHER_AGE_KEY, { actor: "pulumi" });
    await cp.registry.setAgePublicKey("rekeyed", OTHER_AGE_KEY, { actor: "pulumi" });
    const keyEvents = (await cp.registry.listEvents("rekeyed")).filter((e) => e.eventType === "TENANT_AGE_KEY_UPDATED");
    expect(keyEvents.map((e) => e.details)).toEqual([
      { age_recipient: AGE_KEY, previous_age_recipient: null },
      { age_recipient: OTHER_AGE_KEY, previous_age_recipient: AGE_KEY },
    ]);
  });

  it("setCredentialRotation writes TENANT_ROTATION_TOKEN_UPDATED by its actor; the stored token again writes nothing", async () => {
    await activeTenant("rotating");
    await cp.registry.setCredentialRotation("rotating", "r2", { actor: "portal:admin-token:abc", expected: "initial" });
    await cp.registry.setCredentialRotation("rotating", "r2", { actor: "pulumi" });
    const tokenEvents = (await cp.registry.listEvents("rotating")).filter((e) => e.eventType === "TENANT_ROTATION_TOKEN_UPDATED");
    expect(tokenEvents).toMatchObject([{ actor: "portal:admin-token:abc", details: { previous_rotation: "initial", rotation: "r2" } }]);
    await expect(cp.registry.setCredentialRotation("rotating", "r3", { actor: " " })).rejects.toThrow(/needs an actor/);
  });
});

describe("times are the server's", () => {
  it("an event's occurred_at is the server's clock, whatever the writer sends, and the chain still verifies", async () => {
    await cp.registry.createTenant("backdated", { actor });
    const { rows } = await cp.db.pool.query<{ before: Date }>("SELECT clock_timestamp() AS before");
    await cp.db.pool.query("INSERT INTO audit_events (tenant_id, event_type, actor, occurred_at) VALUES ('backdated', 'TENANT_ISOLATION_VERIFIED', 'psql', '2001-01-01T00:00:00Z')");
    const event = (await cp.registry.listEvents("backdated")).at(-1);
    expect(event?.occurredAt.startsWith("2001")).toBe(false);
    expect(Date.parse(event?.occurredAt ?? "")).toBeGreaterThanOrEqual((rows[0]?.before.getTime() ?? Infinity) - 1);
    expect((await cp.registry.verifyChain("backdated")).ok).toBe(true);
  });

  it("a tenant row's created_at, updated_at and provisioning times cannot be chosen by the writer", async () => {
    await activeTenant("timed");
    const before = await cp.registry.getTenant("timed");
    await cp.db.pool.query(
      "UPDATE tenants SET created_at = '2001-01-01Z', updated_at = '2001-01-01Z', provisioned_at = '2001-01-01Z', provisioning_started_at = NULL WHERE tenant_id = 'timed'",
    );
    expect(await cp.registry.getTenant("timed")).toEqual(before);
    const inserted = await runtimeTransaction([
      ["INSERT INTO tenants (tenant_id, created_at, provisioned_at) VALUES ('born-early', '2001-01-01Z', '2001-01-02Z')"],
      insertEvent("born-early", "TENANT_CREATED", {}),
    ]).then(() => cp.registry.getTenant("born-early"));
    expect(inserted.createdAt.getUTCFullYear()).toBeGreaterThan(2001);
    expect(inserted.provisionedAt).toBeNull();
  });
});
