/**
 * Credential rotation in the control plane, on a real PostgreSQL: migration 007 (the
 * `credential_rotation` column and TENANT_CREDENTIALS_ROTATED in the event-type CHECK), the
 * registry's two writes, and the stack's write-back that records an applied rotation.
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeProvisioning } from "../../components/registry/writeBack";
import { parseTenantConfig } from "../../domain";
import { CredentialRotationError, defaultMigrationsDir, migrateControlPlane, SecretLikeDataError } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
const actor = "test-operator";

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function activeTenant(db: ControlPlaneDatabase, id: string): Promise<void> {
  await db.registry.createTenant(id, { actor });
  await db.registry.transition(id, "PROVISIONING", { actor });
  await db.registry.transition(id, "ACTIVE", { actor });
}

describe("migration 007_credential_rotation", () => {
  let db: ControlPlaneDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createControlPlaneDatabase(server, { migrate: false });
    // 001…006 first, from a copy of the directory without 007, as a database migrated before it.
    dir = await mkdtemp(join(tmpdir(), "frostbyte-migrations-"));
    const all = await readdir(defaultMigrationsDir());
    for (const file of all.filter((f) => f < "007")) await cp(join(defaultMigrationsDir(), file), join(dir, file));
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("applies after 001…006, gives every existing tenant the token initial, and is recorded", async () => {
    expect(await migrateControlPlane(db.migratorUrl, { dir })).toHaveLength(6);
    await server.query("INSERT INTO tenants (tenant_id) VALUES ('before007')", [], db.name);
    expect(await migrateControlPlane(db.migratorUrl)).toEqual(["007_credential_rotation", "008_rotate_operations", "009_registry_guards", "010_close_control_plane_database", "011_audit_every_tenant_change", "012_api_token_roles_and_expiry", "013_operations_as_jobs", "014_tenant_drift", "015_applied_deployments"]);
    expect(await migrateControlPlane(db.migratorUrl)).toEqual([]);
    const row = await server.query<{ credential_rotation: string }>("SELECT credential_rotation FROM tenants WHERE tenant_id = 'before007'", [], db.name);
    expect(row.rows).toEqual([{ credential_rotation: "initial" }]);
  });

  it("the database refuses a token that breaks the rule, whoever writes it", async () => {
    for (const bad of ["", "R2", "-r2", "r 2", "x".repeat(64)]) {
      await expect(server.query("UPDATE tenants SET credential_rotation = $1 WHERE tenant_id = 'before007'", [bad], db.name)).rejects.toThrow(/tenants_credential_rotation_token/);
    }
    await expect(server.query("UPDATE tenants SET credential_rotation = NULL WHERE tenant_id = 'before007'", [], db.name)).rejects.toThrow(/null value/);
    // Since 011 a token change needs its event in the same transaction (here one statement).
    await server.query(
      `WITH recorded AS (INSERT INTO audit_events (tenant_id, event_type, actor, details) VALUES ('before007', 'TENANT_ROTATION_TOKEN_UPDATED', 'sql', '{"rotation": "r2"}'))
       UPDATE tenants SET credential_rotation = 'r2' WHERE tenant_id = 'before007'`,
      [],
      db.name,
    );
  });

  it("the event-type CHECK takes TENANT_CREDENTIALS_ROTATED and still refuses unknown types", async () => {
    const insert = (type: string) =>
      server.query("INSERT INTO audit_events (tenant_id, event_type, actor, hash) VALUES ('before007', $1, 'sql', repeat('0', 64))", [type], db.name);
    await insert("TENANT_CREDENTIALS_ROTATED");
    await expect(insert("TENANT_CREDENTIALS_LEAKED")).rejects.toThrow(/audit_events_type_known/);
  });
});

describe("the registry's rotation writes", () => {
  let db: ControlPlaneDatabase;

  beforeAll(async () => {
    db = await createControlPlaneDatabase(server);
    await activeTenant(db, "acme");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a new tenant starts at initial; setCredentialRotation stores the next token with TENANT_ROTATION_TOKEN_UPDATED (since 011)", async () => {
    expect((await db.registry.getTenant("acme")).credentialRotation).toBe("initial");
    const before = await db.registry.listEvents("acme");
    const updated = await db.registry.setCredentialRotation("acme", "r2", { actor, expected: "initial" });
    expect(updated.credentialRotation).toBe("r2");
    expect(updated.state).toBe("ACTIVE");
    const after = await db.registry.listEvents("acme");
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toMatchObject([{ eventType: "TENANT_ROTATION_TOKEN_UPDATED", actor, details: { previous_rotation: "initial", rotation: "r2" } }]);
  });

  it("setCredentialRotation refuses a stale expectation and a bad token, changing nothing", async () => {
    await expect(db.registry.setCredentialRotation("acme", "r3", { actor, expected: "initial" })).rejects.toThrow(
      new CredentialRotationError("acme", 'token is "r2", not "initial": another rotation changed it'),
    );
    await expect(db.registry.setCredentialRotation("acme", "R3", { actor })).rejects.toThrow(/credential rotation token "R3": must be a rotation token/);
    await expect(db.registry.setCredentialRotation("ghost", "r3", { actor })).rejects.toThrow(/tenant "ghost" is not in the registry/);
    expect((await db.registry.getTenant("acme")).credentialRotation).toBe("r2");
  });

  it("recordCredentialRotation stores the token and writes TENANT_CREDENTIALS_ROTATED in the chain", async () => {
    const { tenant, event } = await db.registry.recordCredentialRotation("acme", { actor: "pulumi", previousRotation: "initial", rotation: "r2", details: { rotated: ["x"] } });
    expect(tenant.credentialRotation).toBe("r2");
    expect(event).toMatchObject({ eventType: "TENANT_CREDENTIALS_ROTATED", actor: "pulumi", resourceType: "tenant", resourceId: "acme", details: { rotated: ["x"], previous_rotation: "initial", rotation: "r2" } });
    expect((await db.registry.listEvents("acme")).at(-1)?.eventId).toBe(event.eventId);
    expect((await db.registry.verifyChain("acme")).ok).toBe(true);
  });

  it("recordCredentialRotation refuses an unchanged token, secret-looking details and an empty actor, writing nothing", async () => {
    const count = (await db.registry.listEvents("acme")).length;
    await expect(db.registry.recordCredentialRotation("acme", { actor: "pulumi", previousRotation: "r2", rotation: "r2" })).rejects.toThrow(/did not change/);
    await expect(db.registry.recordCredentialRotation("acme", { actor: "pulumi", previousRotation: "r2", rotation: "r3", details: { new_password: "x" } })).rejects.toThrow(SecretLikeDataError);
    await expect(db.registry.recordCredentialRotation("acme", { actor: " ", previousRotation: "r2", rotation: "r3" })).rejects.toThrow(/needs an actor/);
    expect((await db.registry.listEvents("acme")).length).toBe(count);
    expect((await db.registry.getTenant("acme")).credentialRotation).toBe("r2");
  });

  it("the runtime role may write the column (it has UPDATE on tenants) but not remove an event", async () => {
    const client = new pg.Client({ connectionString: db.runtimeUrl });
    await client.connect();
    try {
      await client.query("UPDATE tenants SET credential_rotation = 'r2' WHERE tenant_id = 'acme'");
      await expect(client.query("DELETE FROM audit_events WHERE event_type = 'TENANT_CREDENTIALS_ROTATED'")).rejects.toThrow(/permission denied|append-only/);
    } finally {
      await client.end();
    }
  });
});

describe("the stack's write-back records an applied rotation (completeProvisioning)", () => {
  let db: ControlPlaneDatabase;
  const endpoints = { postgres: { host: "127.0.0.1", port: 5432, database: "tenant_globex" } };
  const resources = { minioUser: "tenant-globex" };
  const rotations = async (id: string) => (await db.registry.listEvents(id)).filter((e) => e.eventType === "TENANT_CREDENTIALS_ROTATED");

  beforeAll(async () => {
    db = await createControlPlaneDatabase(server);
    await db.registry.createTenant("globex", { actor, config: parseTenantConfig({}) });
    await db.registry.transition("globex", "PROVISIONING", { actor });
    await db.registry.setAgePublicKey("globex", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", { actor });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a first provisioning records the token it was built with and no rotation", async () => {
    expect(await completeProvisioning(db.pool, { tenantId: "globex", endpoints, resources, suspended: false, rotation: "by-hand" })).toBe("ACTIVE");
    expect((await db.registry.getTenant("globex")).credentialRotation).toBe("by-hand");
    expect(await rotations("globex")).toEqual([]);
  });

  it("an update with the same token records nothing new", async () => {
    await completeProvisioning(db.pool, { tenantId: "globex", endpoints, resources, suspended: false, rotation: "by-hand", previousRotation: "by-hand" });
    expect(await rotations("globex")).toEqual([]);
  });

  it("a changed token is a rotation: the event names the credentials and the new recipient, never a value", async () => {
    await db.registry.setCredentialRotation("globex", "r2", { actor });
    await completeProvisioning(db.pool, { tenantId: "globex", endpoints, resources, suspended: false, rotation: "r2", previousRotation: "by-hand" });
    const [event] = await rotations("globex");
    expect(event).toMatchObject({
      actor: "pulumi",
      details: {
        previous_rotation: "by-hand",
        rotation: "r2",
        age_recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
        rotated: [
          "MinIO secret key of user tenant-globex",
          "PostgreSQL password of role tenant_globex_app",
          "Redis password of ACL user tenant-globex",
          expect.stringMatching(/^Qdrant token of collection tenant_globex/),
          expect.stringMatching(/^age key pair/),
        ],
        sops_file: expect.stringContaining("secrets/globex.enc.yaml re-encrypted"),
      },
    });
    expect(event?.details).not.toHaveProperty("unchanged");
    expect((await db.registry.getTenant("globex")).credentialRotation).toBe("r2");
    expect((await db.registry.verifyChain("globex")).ok).toBe(true);
  });

  it("a run that drops a pending token (the stores keep the old one) puts the column back to what they hold", async () => {
    await db.registry.setCredentialRotation("globex", "r3", { actor });
    await completeProvisioning(db.pool, { tenantId: "globex", endpoints, resources, suspended: false, rotation: "r2", previousRotation: "r2" });
    expect((await db.registry.getTenant("globex")).credentialRotation).toBe("r2");
    expect(await rotations("globex")).toHaveLength(1);
  });
});
