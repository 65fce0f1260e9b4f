import { beforeAll, describe, expect, it } from "vitest";
import { canonicalTimestamp, eventHash, SecretLikeDataError } from "../../controlplane";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";

const cp = useControlPlaneDatabase();
const actor = "test-operator";

async function tenantWithEvents(tenantId: string): Promise<void> {
  await cp.registry.createTenant(tenantId, { actor });
  await cp.registry.transition(tenantId, "PROVISIONING", { actor });
  await cp.registry.transition(tenantId, "ACTIVE", { actor, details: { server_id: 42 } });
  await cp.registry.transition(tenantId, "SUSPENDED", { actor });
}

describe("audit_events is append-only (DESIGN §4)", () => {
  beforeAll(() => tenantWithEvents("append-only"));

  it.each([
    ["UPDATE", "UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = 'append-only'"],
    ["DELETE", "DELETE FROM audit_events WHERE tenant_id = 'append-only'"],
    ["TRUNCATE", "TRUNCATE audit_events"],
  ])("the runtime role may not %s", async (_operation, sql) => {
    await expect(cp.db.pool.query(sql)).rejects.toThrow("permission denied for table audit_events");
  });

  it.each([
    ["UPDATE", "UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = 'append-only'"],
    ["DELETE", "DELETE FROM audit_events WHERE tenant_id = 'append-only'"],
    ["TRUNCATE", "TRUNCATE audit_events CASCADE"],
  ])("a superuser's %s is refused by trigger, even as a replica", async (operation, sql) => {
    await cp.db.asSuperuser(async (client) => {
      await expect(client.query(sql)).rejects.toThrow(`audit_events is append-only: ${operation} is not allowed`);
      await client.query("SET session_replication_role = replica");
      await expect(client.query(sql)).rejects.toThrow(`audit_events is append-only: ${operation} is not allowed`);
    });
    expect(await cp.registry.listEvents("append-only")).toHaveLength(4);
  });
});

describe("the per-tenant hash chain (DESIGN §4)", () => {
  it("is computed in the database and recomputed identically in TypeScript, awkward characters included", async () => {
    await cp.registry.createTenant("awkward", { actor: "ops|team\\one" });
    await cp.db.pool.query(
      `INSERT INTO audit_events (tenant_id, event_type, actor, resource_type, resource_id, details)
       VALUES ('awkward', 'TENANT_ISOLATION_VERIFIED', 'Zoë ✓', NULL, $1, $2::jsonb)`,
      ["a|b\\N\nc", '{"n": 1.50, "big": 1e21, "s": "x|y\\\\N", "nested": {"b": [1, "ü"], "a": null}}'],
    );
    const events = await cp.registry.listEvents("awkward");
    expect(events.map((e) => e.chainSeq)).toEqual([1, 2]);
    expect(events[1]).toMatchObject({ actor: "Zoë ✓", resourceType: null, resourceId: "a|b\\N\nc", previousEventId: events[0]?.eventId, prevHash: events[0]?.hash });
    expect(await cp.registry.verifyChain("awkward")).toEqual({ tenantId: "awkward", ok: true, checked: 2 });
  });

  it("ignores chain fields a client tries to choose", async () => {
    await cp.registry.createTenant("chooser", { actor });
    await cp.db.pool.query(
      `INSERT INTO audit_events (tenant_id, event_type, actor, chain_seq, previous_event_id, prev_hash, hash)
       VALUES ('chooser', 'TENANT_ISOLATION_VERIFIED', 'x', 99, NULL, NULL, repeat('f', 64))`,
    );
    const [first, second] = await cp.registry.listEvents("chooser");
    expect(second).toMatchObject({ chainSeq: 2, previousEventId: first?.eventId, prevHash: first?.hash });
    expect(second?.hash).not.toBe("f".repeat(64));
    expect((await cp.registry.verifyChain("chooser")).ok).toBe(true);
  });

  it("keeps occurred_at to the microsecond, whatever the session time zone", () => {
    expect(canonicalTimestamp("2025-01-31 10:05:03.0405+01")).toBe("2025-01-31T09:05:03.040500Z");
    expect(canonicalTimestamp("2025-01-01 00:30:00-03:30")).toBe("2025-01-01T04:00:00.000000Z");
    expect(() => canonicalTimestamp("01/31/2025 10:05:03 CET")).toThrow(/DateStyle/);
  });

  it("refuses details that look like a secret, writing nothing", async () => {
    await cp.registry.createTenant("secretive", { actor });
    await cp.registry.transition("secretive", "PROVISIONING", { actor });
    const before = await cp.registry.getTenant("secretive");
    await expect(cp.registry.transition("secretive", "FAILED", { actor, details: { minio: { secret_key: "x" } } })).rejects.toThrow(SecretLikeDataError);
    await expect(cp.registry.transition("secretive", "FAILED", { actor, details: { url: "postgres://app:hunter2@db/x" } })).rejects.toThrow(
      "details.url: the value is a URL with a user name or password in it",
    );
    expect(await cp.registry.getTenant("secretive")).toEqual(before);
    expect(await cp.registry.listEvents("secretive")).toHaveLength(2);
  });
});

describe("verifyChain catches rows a superuser altered with the triggers off", () => {
  async function tamper(sql: string, values: unknown[]): Promise<void> {
    await cp.db.asSuperuser(async (client) => {
      await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only, DISABLE TRIGGER audit_events_append_only_statement");
      try {
        await client.query(sql, values);
      } finally {
        await client.query("ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only, ENABLE ALWAYS TRIGGER audit_events_append_only_statement");
      }
    });
  }

  it("names the first event whose content no longer matches its hash", async () => {
    await tenantWithEvents("tampered");
    const events = await cp.registry.listEvents("tampered");
    const victim = events[2];
    await tamper("UPDATE audit_events SET details = '{\"server_id\": 43}' WHERE event_id = $1", [victim?.eventId]);
    const result = await cp.registry.verifyChain("tampered");
    expect(result).toMatchObject({ ok: false, checked: 3, firstBad: { eventId: victim?.eventId, chainSeq: 3 } });
    expect(result.firstBad?.reason).toMatch(/^hash does not match the event's content/);
  });

  it("names the next event when the altered row's hash was recomputed too", async () => {
    await tenantWithEvents("rehashed");
    const events = await cp.registry.listEvents("rehashed");
    const victim = events[1];
    await tamper("UPDATE audit_events SET actor = 'mallory' WHERE event_id = $1", [victim?.eventId]);
    await tamper("UPDATE audit_events a SET hash = encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex') WHERE event_id = $1", [victim?.eventId]);
    const result = await cp.registry.verifyChain("rehashed");
    expect(result.firstBad).toEqual({ eventId: events[2]?.eventId, chainSeq: 3, reason: "prev_hash is not the hash of the event before" });
  });

  it("names the event after a deleted one", async () => {
    await tenantWithEvents("gapped");
    const events = await cp.registry.listEvents("gapped");
    await cp.db.asSuperuser(async (client) => {
      // replica switches off the foreign key from the next event; the append-only trigger (ALWAYS) needs DISABLE.
      await client.query("SET session_replication_role = replica");
      await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only, DISABLE TRIGGER audit_events_append_only_statement");
      await client.query("DELETE FROM audit_events WHERE event_id = $1", [events[1]?.eventId]);
      await client.query("ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only, ENABLE ALWAYS TRIGGER audit_events_append_only_statement");
    });
    const result = await cp.registry.verifyChain("gapped");
    expect(result.firstBad).toMatchObject({ eventId: events[2]?.eventId, chainSeq: 3 });
    expect(result.firstBad?.reason).toMatch(/chain position 3 where 2 was expected/);
  });

  it("matches eventHash over the stored fields for an intact event", async () => {
    await tenantWithEvents("intact");
    const [created] = await cp.registry.listEvents("intact");
    const detailsText = (await cp.db.pool.query<{ t: string }>("SELECT details::text AS t FROM audit_events WHERE event_id = $1", [created?.eventId])).rows[0]?.t;
    expect(created && detailsText && eventHash({ ...created, detailsText })).toBe(created?.hash);
  });
});
