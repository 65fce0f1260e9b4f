import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../domain";
import { redactError } from "../../components/registry/failureHook";
import { finishDeprovisioning, finishProvisioning, registryState, startDeprovisioning, startProvisioning } from "../../components/registry/providerRuntime";
import { recordFailure } from "../../components/registry/writeBack";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

describe("registry write-back against a real PostgreSQL", () => {
  let server: PostgresServer;
  let db: ControlPlaneDatabase;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    db = await createControlPlaneDatabase(server);
    url = db.runtimeUrl;
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  const config = parseTenantConfig({});
  const endpoints = { minio: { endpoint: "127.0.0.1:9000", bucket: "tenant-acme" }, postgres: { host: "127.0.0.1", port: 5432 } };
  const resources = { minioBucket: "tenant-acme", postgresRole: "tenant_acme_app" };

  async function eventTypes(tenantId: string): Promise<string[]> {
    return (await db.registry.listEvents(tenantId)).map((e) => e.eventType);
  }

  it("registers a new tenant and moves it to PROVISIONING, then ACTIVE with its endpoints", async () => {
    expect(await registryState(url, "acme")).toBe("MISSING");
    expect(await startProvisioning(url, { tenantId: "acme", config })).toBe("PROVISIONING");
    expect(await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: false })).toBe("ACTIVE");
    const tenant = await db.registry.getTenant("acme");
    expect(tenant.endpoints).toEqual(endpoints);
    expect(tenant.provisionedAt).not.toBeNull();
    expect(await eventTypes("acme")).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_PROVISIONED"]);
    const provisioned = (await db.registry.listEvents("acme")).at(-1);
    expect(provisioned?.details).toMatchObject({ resources });
  });

  it("records a config change with its versions and re-provisions", async () => {
    const changed = parseTenantConfig({ pii: { mode: "block" } });
    expect(await startProvisioning(url, { tenantId: "acme", config: changed })).toBe("PROVISIONING");
    expect(await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: false })).toBe("ACTIVE");
    const events = await db.registry.listEvents("acme");
    const update = events.find((e) => e.eventType === "TENANT_CONFIG_UPDATED");
    expect(update?.details).toMatchObject({ old_config_version: 1, new_config_version: 2 });
    expect((await db.registry.getTenant("acme")).config.pii.mode).toBe("block");
  });

  it("leaves a failed deployment FAILED with the error, and a re-run converges", async () => {
    await startProvisioning(url, { tenantId: "acme", config: parseTenantConfig({ pii: { mode: "flag" } }) });
    const state = await recordFailure(db.pool, {
      tenantId: "acme", operation: "create", resourceType: "minio:index/s3Bucket:S3Bucket", resourceName: "tenant-acme",
      error: redactError("dial tcp 127.0.0.1:9000: connect: connection refused (password s3cr3t-value)", { secret: "s3cr3t-value" }),
    });
    expect(state).toBe("FAILED");
    const failed = (await db.registry.listEvents("acme")).at(-1);
    expect(failed?.eventType).toBe("TENANT_PROVISION_FAILED");
    expect(failed?.details).toMatchObject({ resource_name: "tenant-acme", operation: "create" });
    expect(String(failed?.details["error"])).toContain("connection refused");
    expect(JSON.stringify(failed?.details)).not.toContain("s3cr3t-value");

    expect(await registryState(url, "acme")).toBe("FAILED");
    expect(await startProvisioning(url, { tenantId: "acme", config: parseTenantConfig({ pii: { mode: "flag" } }) })).toBe("PROVISIONING");
    expect(await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: false })).toBe("ACTIVE");
    expect((await eventTypes("acme")).slice(-3)).toEqual(["TENANT_PROVISION_FAILED", "TENANT_PROVISION_STARTED", "TENANT_PROVISIONED"]);
  });

  it("marks a run that was interrupted (still PROVISIONING) as FAILED before starting again", async () => {
    await startProvisioning(url, { tenantId: "acme", config: parseTenantConfig({ pii: { mode: "redact" } }) });
    expect(await startProvisioning(url, { tenantId: "acme", config: parseTenantConfig({ pii: { mode: "redact" } }) })).toBe("PROVISIONING");
    const last = (await db.registry.listEvents("acme")).slice(-2);
    expect(last.map((e) => e.eventType)).toEqual(["TENANT_PROVISION_FAILED", "TENANT_PROVISION_STARTED"]);
    expect(String(last[0]?.details["error"])).toContain("ended before it finished");
    await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: false });
  });

  it("suspends and resumes through the completion marker", async () => {
    expect(await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: true })).toBe("SUSPENDED");
    expect(await finishProvisioning(url, { tenantId: "acme", endpoints, resources, suspended: false })).toBe("ACTIVE");
    expect((await eventTypes("acme")).slice(-2)).toEqual(["TENANT_SUSPENDED", "TENANT_RESUMED"]);
  });

  it("records a destroy as DEPROVISIONING then DEPROVISIONED, and never provisions the id again", async () => {
    expect(await startDeprovisioning(url, "acme")).toBe("DEPROVISIONING");
    expect(await finishDeprovisioning(url, "acme", { destroyed_by: "pulumi destroy", age_identity: "shredded", sops_file: "deleted" })).toBe("DEPROVISIONED");
    expect((await db.registry.listEvents("acme")).at(-1)?.details).toMatchObject({ age_identity: "shredded", sops_file: "deleted" });
    expect((await eventTypes("acme")).slice(-2)).toEqual(["TENANT_DEPROVISION_STARTED", "TENANT_DEPROVISIONED"]);
    await expect(startProvisioning(url, { tenantId: "acme", config })).rejects.toThrow('tenant "acme" is DEPROVISIONED');
    expect((await db.registry.verifyChain("acme")).ok).toBe(true);
  });

  it("closes out a tenant that failed before its completion marker existed", async () => {
    await startProvisioning(url, { tenantId: "beta", config });
    await recordFailure(db.pool, { tenantId: "beta", operation: "create", resourceType: "t", resourceName: "n", error: "boom" });
    expect(await finishDeprovisioning(url, "beta", {})).toBe("DEPROVISIONED");
    const last = (await db.registry.listEvents("beta")).slice(-2);
    expect(last.map((e) => e.eventType)).toEqual(["TENANT_DEPROVISION_STARTED", "TENANT_DEPROVISIONED"]);
    expect(last[1]?.details).toMatchObject({ note: "deprovisioning was opened after the stores were destroyed" });
  });

  it("reports an unreachable control plane as unknown in a diff rather than failing it", async () => {
    expect(await registryState("postgres://nobody@127.0.0.1:1/none", "acme")).toBeUndefined();
  });
});

describe("redactError", () => {
  it("removes secret inputs and URL credentials", () => {
    const text = redactError("auth failed for postgres://admin:hunter2@127.0.0.1/db with key abcd1234", { password: "abcd1234", nested: { apiKey: "hunter2" } });
    expect(text).not.toMatch(/hunter2|abcd1234/);
    expect(text).toContain("postgres://[redacted]@127.0.0.1/db");
  });
});
