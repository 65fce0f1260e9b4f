import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigValidationError,
  InvalidAgePublicKeyError,
  InvalidAuditEventError,
  InvalidTenantIdError,
  SecretLikeDataError,
  TenantAlreadyExistsError,
  TenantNotFoundError,
  type TenantRegistry,
} from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let registry: TenantRegistry;
const actor = "test-operator";

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
  registry = db.registry;
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

describe("TenantRegistry", () => {
  it("creates a tenant in PENDING with its defaults and TENANT_CREATED", async () => {
    const tenant = await registry.createTenant("acme", { actor, config: { pii: { mode: "block" } } });
    expect(tenant).toMatchObject({ tenantId: "acme", state: "PENDING", configVersion: 1, provisioningStartedAt: null, provisionedAt: null, endpoints: {} });
    expect(tenant.config.pii.mode).toBe("block");
    expect(tenant.config.embedding.dimensions).toBe(768);
    const [created] = await registry.listEvents("acme");
    expect(created).toMatchObject({ eventType: "TENANT_CREATED", chainSeq: 1, actor, details: { state: "PENDING", config_version: 1 } });
    await expect(registry.createTenant("acme", { actor })).rejects.toThrow(TenantAlreadyExistsError);
  });

  it("refuses a bad tenant id before any SQL, naming the rule", async () => {
    await expect(registry.createTenant("Acme", { actor })).rejects.toThrow(InvalidTenantIdError);
    await expect(registry.getTenant("a--b")).rejects.toThrow(/contains "--"/);
  });

  it("refuses a bad config with its path and writes nothing", async () => {
    await registry.createTenant("strict", { actor });
    const before = await registry.getTenant("strict");
    const attempt = registry.updateConfig("strict", { pii: { mode: "x" } }, { actor });
    await expect(attempt).rejects.toThrow(ConfigValidationError);
    await expect(registry.updateConfig("strict", { pii: { mode: "x" } }, { actor })).rejects.toThrow(/config\.pii\.mode/);
    await expect(registry.updateConfig("strict", { embedding: { dimensions: 1536 } }, { actor })).rejects.toThrow(/config\.embedding\.dimensions: must be 768/);
    await expect(registry.createTenant("strict-two", { actor, config: { surprise: true } })).rejects.toThrow("config.surprise: unknown key");
    expect(await registry.getTenant("strict")).toEqual(before);
    expect(await registry.listEvents("strict")).toHaveLength(1);
    await expect(registry.getTenant("strict-two")).rejects.toThrow(TenantNotFoundError);
  });

  it("bumps config_version on a change and records old and new versions", async () => {
    await registry.createTenant("versioned", { actor });
    const updated = await registry.updateConfig("versioned", { pii: { mode: "flag" }, retention_days: 30 }, { actor, details: { ticket: "OPS-7" } });
    expect(updated).toMatchObject({ configVersion: 2, config: { config_version: 2, retention_days: 30, pii: { mode: "flag" } } });
    const events = await registry.listEvents("versioned");
    expect(events[1]).toMatchObject({
      eventType: "TENANT_CONFIG_UPDATED",
      details: { ticket: "OPS-7", old_config_version: 1, new_config_version: 2, changed_settings: ["pii", "retention_days"] },
    });
    // The same config again is no change: no bump, no event.
    expect((await registry.updateConfig("versioned", { pii: { mode: "flag" }, retention_days: 30 }, { actor })).configVersion).toBe(2);
    expect(await registry.listEvents("versioned")).toHaveLength(2);
  });

  it("records endpoints, refusing secret-looking keys and URLs with credentials", async () => {
    await registry.createTenant("reachable", { actor });
    const endpoints = { api_url: "https://acme.example/api", health_url: "https://acme.example/health", server_ips: ["203.0.113.7"], stores: { redis: "redis://10.0.0.2:6379" } };
    expect((await registry.recordEndpoints("reachable", endpoints)).endpoints).toEqual(endpoints);
    await expect(registry.recordEndpoints("reachable", { stores: { redis_password: "x" } })).rejects.toThrow(
      'endpoints.stores.redis_password: a key named like a secret ("password") is not allowed',
    );
    await expect(registry.recordEndpoints("reachable", { stores: [{ url: "redis://admin:pw@10.0.0.2:6379" }] })).rejects.toThrow(SecretLikeDataError);
    await expect(registry.recordEndpoints("reachable", { apiKey: "k" })).rejects.toThrow(/endpoints\.apiKey/);
    expect((await registry.getTenant("reachable")).endpoints).toEqual(endpoints);
    await expect(registry.recordEndpoints("nobody", {})).rejects.toThrow(TenantNotFoundError);
  });

  it("stores an age public key and refuses anything else", async () => {
    await registry.createTenant("keyed", { actor });
    const key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    expect((await registry.setAgePublicKey("keyed", key)).agePublicKey).toBe(key);
    await expect(registry.setAgePublicKey("keyed", "AGE-SECRET-KEY-1XYZ")).rejects.toThrow(InvalidAgePublicKeyError);
    await expect(registry.setAgePublicKey("keyed", "age1nope")).rejects.toThrow('tenant "keyed": age public key must be an age X25519 public key (age1…)');
  });

  it("appends TENANT_ISOLATION_VERIFIED on its own, but no event that belongs to a change", async () => {
    await registry.createTenant("isolated", { actor });
    const event = await registry.recordEvent("isolated", { eventType: "TENANT_ISOLATION_VERIFIED", actor: "verifier", resourceType: "minio", resourceId: "tenant-isolated" });
    expect(event).toMatchObject({ chainSeq: 2, resourceType: "minio", resourceId: "tenant-isolated" });
    await expect(registry.recordEvent("isolated", { eventType: "TENANT_SUSPENDED" as never, actor })).rejects.toThrow(InvalidAuditEventError);
    await expect(registry.recordEvent("isolated", { eventType: "TENANT_ISOLATION_VERIFIED", actor: " " })).rejects.toThrow(/needs an actor/);
    await expect(registry.recordEvent("ghost", { eventType: "TENANT_ISOLATION_VERIFIED", actor })).rejects.toThrow(TenantNotFoundError);
  });

  it("lists tenants oldest first, optionally by state", async () => {
    const all = await registry.listTenants();
    expect(all.map((t) => t.tenantId)).toEqual(["acme", "strict", "versioned", "reachable", "keyed", "isolated"]);
    await registry.transition("acme", "PROVISIONING", { actor });
    expect((await registry.listTenants({ state: "PROVISIONING" })).map((t) => t.tenantId)).toEqual(["acme"]);
  });
});
