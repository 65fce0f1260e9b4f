/**
 * The control plane's connect timeout: a host that accepts TCP and never answers (a test double on
 * loopback) fails the pool, `db migrate` and the CLI with a clear error instead of hanging them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { registryState, startProvisioning } from "../../components/registry/providerRuntime";
import { parseTenantConfig } from "../../domain";
import { controlPlaneClientConfig, ControlPlaneUrlError, createControlPlanePool, isConnectTimeout, migrateControlPlane, MigrationError } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { startSilentServer, type SilentServer } from "../support/silentServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let silent: SilentServer;

beforeAll(async () => {
  [server, silent] = await Promise.all([startPostgres(), startSilentServer()]);
  db = await createControlPlaneDatabase(server);
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
  await silent?.close();
});

const silentUrl = (query: string) => `postgres://frostbyte:cp-secret-pw@127.0.0.1:${silent.port}/frostbyte${query}`;

describe("control-plane connect timeout (libpq's connect_timeout)", () => {
  it("defaults to 10 s and reads whole seconds from the URL, 0 meaning no limit", () => {
    expect(controlPlaneClientConfig("postgres://cp.internal/frostbyte").connectionTimeoutMillis).toBe(10_000);
    expect(controlPlaneClientConfig("postgres://cp.internal/frostbyte?sslmode=require&connect_timeout=3").connectionTimeoutMillis).toBe(3_000);
    expect(controlPlaneClientConfig("postgres://cp.internal/frostbyte?connect_timeout=0").connectionTimeoutMillis).toBe(0);
  });

  it.each(["soon", "-1", "2.5", ""])("refuses connect_timeout=%j without quoting the URL", (value) => {
    const url = `postgres://runtime:cp-secret-pw@cp.internal/frostbyte?connect_timeout=${value}`;
    expect(() => controlPlaneClientConfig(url)).toThrow(ControlPlaneUrlError);
    expect(() => controlPlaneClientConfig(url)).toThrow(`control-plane database URL has connect_timeout ${JSON.stringify(value)}; expected whole seconds (0 waits forever)`);
    expect(() => createControlPlanePool(url)).toThrow(/connect_timeout/);
  });

  it("a pool on a real server accepts the parameter (node-postgres does not send it to the server)", async () => {
    const pool = createControlPlanePool(`${db.runtimeUrl}?connect_timeout=5`, { max: 1 });
    try {
      expect((await pool.query<{ answer: number }>("SELECT 1 AS answer")).rows).toEqual([{ answer: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("a pool on a host that never answers gives up instead of hanging", async () => {
    const pool = createControlPlanePool(silentUrl("?connect_timeout=1"), { max: 1 });
    try {
      const error = await pool.query("SELECT 1").catch((caught: unknown) => caught);
      expect(isConnectTimeout(error)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it("db migrate on a host that never answers says nothing ran", async () => {
    const error = await migrateControlPlane(silentUrl("?connect_timeout=1")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toBe(
      "no migration ran: the control-plane database did not answer within 1 s; check that its host and port are right and that it is up (raise the wait with ?connect_timeout=SECONDS)",
    );
  });

  it("a CLI command on a host that never answers exits 1 with what to check, never the password", async () => {
    const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: silentUrl("?connect_timeout=1") });
    const code = await runCli(["node", "frostbyte", "tenant", "list"], io);
    expect(code).toBe(1);
    expect(io.err.join("")).toContain("the control-plane database (FROSTBYTE_CONTROL_DB_URL) did not answer within 1 s; check that its host and port are right and that it is up");
    expect(io.err.join("") + io.out.join("")).not.toContain("cp-secret-pw");
  });

  it("the stack's write-back says which setting to check, and a preview's diff reads the state as unknown", async () => {
    const url = silentUrl("?connect_timeout=1");
    await expect(startProvisioning(url, { tenantId: "acme", config: parseTenantConfig({}) })).rejects.toThrow(
      "the control-plane database (frostbyte:controlPlaneDbUrl) did not answer within 1 s; check that its host and port are right",
    );
    expect(await registryState(url, "acme")).toBeUndefined();
  });
});
