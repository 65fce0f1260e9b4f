/**
 * The stack's write-back against a control plane stopped with SIGSTOP (a real PostgreSQL, small time
 * bounds in its URL): with FROSTBYTE_WRITE_BACK_RETRY_SECONDS set, as the tenant stacks set it, the
 * record waits for the server and is written once it runs again, exactly once; without it, or once
 * the retry time has passed, it fails as before. Each write-back finds its own earlier change when a
 * retry follows an attempt that committed before its answer was lost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { finishProvisioning, startProvisioning } from "../../components/registry/providerRuntime";
import { beginProvisioning, completeProvisioning } from "../../components/registry/writeBack";
import { recordAgePublicKey } from "../../components/secrets/ageKeyRuntime";
import { isTransientControlPlaneError, TenantNotFoundError } from "../../controlplane";
import { parseTenantConfig, WRITE_BACK_RETRY_ENV } from "../../domain";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { pausable, type PausablePostgres } from "../support/pausePostgres";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

const BOUNDS = "connect_timeout=1&query_timeout=1000&statement_timeout=1000&lock_timeout=1000";
const AGE_KEY = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

describe("the write-back while the control plane is paused", () => {
  let server: PostgresServer;
  let db: ControlPlaneDatabase;
  let paused: PausablePostgres;
  let url: string;
  const config = parseTenantConfig({});
  const endpoints = { minio: { endpoint: "127.0.0.1:9000", bucket: "tenant-x" } };

  beforeAll(async () => {
    server = await startPostgres();
    db = await createControlPlaneDatabase(server);
    paused = await pausable(server);
    url = `${db.runtimeUrl}${db.runtimeUrl.includes("?") ? "&" : "?"}${BOUNDS}`;
  });
  afterEach(() => {
    paused?.resume();
    delete process.env[WRITE_BACK_RETRY_ENV];
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  const eventTypes = async (tenantId: string) => (await db.registry.listEvents(tenantId)).map((event) => event.eventType);

  /** Pauses the server for `ms` while `work` runs; the server runs again even when `work` fails. */
  async function pausedFor<T>(ms: number, work: () => Promise<T>): Promise<T> {
    expect(paused.pause()).toBeGreaterThan(1);
    const resumed = new Promise<void>((resolve) =>
      setTimeout(() => {
        paused.resume();
        resolve();
      }, ms),
    );
    try {
      return await work();
    } finally {
      await resumed;
    }
  }

  it("waits for the server and records every step once, the audit chain intact", async () => {
    process.env[WRITE_BACK_RETRY_ENV] = "60";
    const started = Date.now();
    expect(await pausedFor(3_000, () => startProvisioning(url, { tenantId: "paused-a", config }))).toBe("PROVISIONING");
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    await pausedFor(2_500, () => recordAgePublicKey(url, "paused-a", AGE_KEY));
    expect(await pausedFor(2_500, () => finishProvisioning(url, { tenantId: "paused-a", endpoints, resources: { minioBucket: "tenant-paused-a" }, suspended: false }))).toBe("ACTIVE");
    expect(await eventTypes("paused-a")).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_AGE_KEY_UPDATED", "TENANT_PROVISIONED"]);
    expect((await db.registry.getTenant("paused-a")).agePublicKey).toBe(AGE_KEY);
    expect(await db.registry.verifyChain("paused-a")).toMatchObject({ ok: true });
  });

  it("fails as before without FROSTBYTE_WRITE_BACK_RETRY_SECONDS, and once its time has passed", async () => {
    const once = await pausedFor(2_500, () => startProvisioning(url, { tenantId: "paused-b", config }).catch((error: unknown) => error));
    expect(isTransientControlPlaneError(once)).toBe(true);

    process.env[WRITE_BACK_RETRY_ENV] = "2";
    const started = Date.now();
    let gaveUpAfter = Infinity;
    const bounded = await pausedFor(8_000, () =>
      startProvisioning(url, { tenantId: "paused-b", config }).catch((error: unknown) => {
        gaveUpAfter = Date.now() - started;
        return error;
      }),
    );
    expect(isTransientControlPlaneError(bounded)).toBe(true);
    // Given up after the retry time plus at most one attempt's own bounds, while the server was still paused.
    expect(gaveUpAfter).toBeGreaterThanOrEqual(2_000);
    expect(gaveUpAfter).toBeLessThan(6_000);
    // Nothing half-written: the tenant was never registered.
    await expect(db.registry.getTenant("paused-b")).rejects.toThrow(TenantNotFoundError);
  });

  it("a retried start finds its own PROVISIONING and records no interrupted run", async () => {
    await beginProvisioning(db.pool, { tenantId: "retried", config }, "request-1");
    expect(await beginProvisioning(db.pool, { tenantId: "retried", config }, "request-1")).toBe("PROVISIONING");
    expect(await eventTypes("retried")).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED"]);
    expect((await db.registry.listEvents("retried")).at(-1)?.details).toMatchObject({ write_back_request: "request-1" });
    // Another request that finds the tenant PROVISIONING still records the run it interrupted.
    expect(await beginProvisioning(db.pool, { tenantId: "retried", config }, "request-2")).toBe("PROVISIONING");
    expect((await eventTypes("retried")).slice(-2)).toEqual(["TENANT_PROVISION_FAILED", "TENANT_PROVISION_STARTED"]);
  });

  it("a retried completion records a credential rotation once", async () => {
    await beginProvisioning(db.pool, { tenantId: "rotated", config }, "request-3");
    const result = { tenantId: "rotated", endpoints, resources: {}, suspended: false, rotation: "initial" };
    await completeProvisioning(db.pool, result);
    await db.registry.setCredentialRotation("rotated", "r2", { actor: "test", expected: "initial" });
    const rotation = { ...result, rotation: "r2", previousRotation: "initial" };
    await completeProvisioning(db.pool, rotation);
    await completeProvisioning(db.pool, rotation);
    expect((await eventTypes("rotated")).filter((type) => type === "TENANT_CREDENTIALS_ROTATED")).toHaveLength(1);
    expect(await db.registry.verifyChain("rotated")).toMatchObject({ ok: true });
  });
});
