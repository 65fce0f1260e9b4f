import { describe, expect, it } from "vitest";
import { InvalidAgePublicKeyError, InvalidAuditEventError, SecretLikeDataError, TenantAlreadyExistsError, TenantNotFoundError } from "../../controlplane";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";
import { ConfigValidationError, InvalidTenantIdError } from "../../domain";

const cp = useControlPlaneDatabase();
const actor = "test-operator";

describe("TenantRegistry", () => {
  it("creates a tenant in PENDING with its defaults and TENANT_CREATED", async () => {
    const tenant = await cp.registry.createTenant("acme", { actor, config: { pii: { mode: "block" } } });
    expect(tenant).toMatchObject({ tenantId: "acme", state: "PENDING", configVersion: 1, provisioningStartedAt: null, provisionedAt: null, endpoints: {} });
    expect(tenant.config.pii.mode).toBe("block");
    expect(tenant.config.embedding.dimensions).toBe(768);
    const [created] = await cp.registry.listEvents("acme");
    expect(created).toMatchObject({ eventType: "TENANT_CREATED", chainSeq: 1, actor, details: { state: "PENDING", config_version: 1 } });
    await expect(cp.registry.createTenant("acme", { actor })).rejects.toThrow(TenantAlreadyExistsError);
  });

  it("refuses a bad tenant id before any SQL, naming the rule", async () => {
    await expect(cp.registry.createTenant("Acme", { actor })).rejects.toThrow(InvalidTenantIdError);
    await expect(cp.registry.getTenant("a--b")).rejects.toThrow(/contains "--"/);
  });

  it("refuses a bad config with its path and writes nothing", async () => {
    await cp.registry.createTenant("strict", { actor });
    const before = await cp.registry.getTenant("strict");
    const attempt = cp.registry.updateConfig("strict", { pii: { mode: "x" } }, { actor });
    await expect(attempt).rejects.toThrow(ConfigValidationError);
    await expect(cp.registry.updateConfig("strict", { pii: { mode: "x" } }, { actor })).rejects.toThrow(/config\.pii\.mode/);
    await expect(cp.registry.updateConfig("strict", { embedding: { dimensions: 1536 } }, { actor })).rejects.toThrow(/config\.embedding\.dimensions: must be 768/);
    await expect(cp.registry.createTenant("strict-two", { actor, config: { surprise: true } })).rejects.toThrow("config.surprise: unknown key");
    expect(await cp.registry.getTenant("strict")).toEqual(before);
    expect(await cp.registry.listEvents("strict")).toHaveLength(1);
    await expect(cp.registry.getTenant("strict-two")).rejects.toThrow(TenantNotFoundError);
  });

  it("bumps config_version on a change and records old and new versions", async () => {
    await cp.registry.createTenant("versioned", { actor });
    const updated = await cp.registry.updateConfig("versioned", { pii: { mode: "flag" }, retention_days: 30 }, { actor, details: { ticket: "OPS-7" } });
    expect(updated).toMatchObject({ configVersion: 2, config: { config_version: 2, retention_days: 30, pii: { mode: "flag" } } });
    const events = await cp.registry.listEvents("versioned");
    expect(events[1]).toMatchObject({
      eventType: "TENANT_CONFIG_UPDATED",
      details: { ticket: "OPS-7", old_config_version: 1, new_config_version: 2, changed_settings: ["pii", "retention_days"] },
    });
    // The same config again is no change: no bump, no event.
    expect((await cp.registry.updateConfig("versioned", { pii: { mode: "flag" }, retention_days: 30 }, { actor })).configVersion).toBe(2);
    expect(await cp.registry.listEvents("versioned")).toHaveLength(2);
  });

  it("records endpoints, refusing secret-looking keys and URLs with credentials", async () => {
    await cp.registry.createTenant("reachable", { actor });
    const endpoints = { api_url: "https://acme.example/api", health_url: "https://acme.example/health", server_ips: ["203.0.113.7"], stores: { redis: "redis://10.0.0.2:6379" } };
    expect((await cp.registry.recordEndpoints("reachable", endpoints, { actor })).endpoints).toEqual(endpoints);
    await expect(cp.registry.recordEndpoints("reachable", { stores: { redis_password: "x" } }, { actor })).rejects.toThrow(
      'endpoints.stores.redis_password: a key named like a secret ("password") is not allowed',
    );
    await expect(cp.registry.recordEndpoints("reachable", { stores: [{ url: "redis://admin:pw@10.0.0.2:6379" }] }, { actor })).rejects.toThrow(SecretLikeDataError);
    await expect(cp.registry.recordEndpoints("reachable", { apiKey: "k" }, { actor })).rejects.toThrow(/endpoints\.apiKey/);
    expect((await cp.registry.getTenant("reachable")).endpoints).toEqual(endpoints);
    await expect(cp.registry.recordEndpoints("nobody", {}, { actor })).rejects.toThrow(TenantNotFoundError);
  });

  it("stores an age public key and refuses anything else", async () => {
    await cp.registry.createTenant("keyed", { actor });
    const key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    expect((await cp.registry.setAgePublicKey("keyed", key, { actor })).agePublicKey).toBe(key);
    await expect(cp.registry.setAgePublicKey("keyed", "AGE-SECRET-KEY-1XYZ", { actor })).rejects.toThrow(InvalidAgePublicKeyError);
    await expect(cp.registry.setAgePublicKey("keyed", "age1nope", { actor })).rejects.toThrow('tenant "keyed": age public key must be an age X25519 public key (age1…)');
  });

  it("appends TENANT_ISOLATION_VERIFIED on its own, but no event that belongs to a change", async () => {
    await cp.registry.createTenant("isolated", { actor });
    const event = await cp.registry.recordEvent("isolated", { eventType: "TENANT_ISOLATION_VERIFIED", actor: "verifier", resourceType: "minio", resourceId: "tenant-isolated" });
    expect(event).toMatchObject({ chainSeq: 2, resourceType: "minio", resourceId: "tenant-isolated" });
    await expect(cp.registry.recordEvent("isolated", { eventType: "TENANT_SUSPENDED" as never, actor })).rejects.toThrow(InvalidAuditEventError);
    await expect(cp.registry.recordEvent("isolated", { eventType: "TENANT_ISOLATION_VERIFIED", actor: " " })).rejects.toThrow(/needs an actor/);
    await expect(cp.registry.recordEvent("ghost", { eventType: "TENANT_ISOLATION_VERIFIED", actor })).rejects.toThrow(TenantNotFoundError);
  });

  it("lists tenants oldest first, optionally by state", async () => {
    const all = await cp.registry.listTenants();
    expect(all.map((t) => t.tenantId)).toEqual(["acme", "strict", "versioned", "reachable", "keyed", "isolated"]);
    await cp.registry.transition("acme", "PROVISIONING", { actor });
    expect((await cp.registry.listTenants({ state: "PROVISIONING" })).map((t) => t.tenantId)).toEqual(["acme"]);
  });
});
