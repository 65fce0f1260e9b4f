/**
 * The dynamic providers' one short-lived control-plane connection: every runtime that records in the
 * registry (write-back, age key, secrets file) closes its connections when done and, on a host that
 * never answers, names frostbyte:controlPlaneDbUrl and the seconds waited without quoting the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withControlPlane } from "../../components/providerRuntime/controlPlaneConnection";
import { startProvisioning } from "../../components/registry/providerRuntime";
import { recordAgePublicKey } from "../../components/secrets/ageKeyRuntime";
import { removeSecretsFile } from "../../components/secrets/secretsFileRuntime";
import { ControlPlaneTimeoutError } from "../../controlplane";
import { parseTenantConfig } from "../../domain/config";
import { RUNTIME_LOGIN } from "../support/controlPlaneDb";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";
import { startSilentServer, type SilentServer } from "../support/silentServer";

const controlPlane = useControlPlaneDatabase();
let silent: SilentServer;
beforeAll(async () => {
  silent = await startSilentServer();
});
afterAll(async () => {
  await silent?.close();
});

const silentUrl = () => `postgres://frostbyte:cp-secret-pw@127.0.0.1:${silent.port}/frostbyte?connect_timeout=1`;

/**
 * Sessions the runtime login holds on the database (the fixture's own pool is never used here),
 * once they have settled: a backend leaves pg_stat_activity a moment after its client hangs up,
 * while an unclosed pool would keep its idle connection for node-postgres's 10 s idle timeout.
 */
async function settledRuntimeSessions(): Promise<number> {
  const { db } = controlPlane;
  const count = async () =>
    Number((await db.asSuperuser((client) => client.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND usename = $2", [db.name, RUNTIME_LOGIN]))).rows[0]?.n);
  const deadline = Date.now() + 2_000;
  let sessions = await count();
  while (sessions > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    sessions = await count();
  }
  return sessions;
}

describe("withControlPlane", () => {
  it("returns the work's result and leaves no session open, also when the work fails", async () => {
    expect(await settledRuntimeSessions()).toBe(0);
    expect(await withControlPlane(controlPlane.db.runtimeUrl, async (pool) => (await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one)).toBe(1);
    await expect(withControlPlane(controlPlane.db.runtimeUrl, (pool) => pool.query("SELECT * FROM no_such_table"))).rejects.toThrow(/no_such_table/);
    expect(await settledRuntimeSessions()).toBe(0);
  });

  it.each([
    ["the write-back", () => startProvisioning(silentUrl(), { tenantId: "acme", config: parseTenantConfig({}) })],
    ["the age key", () => recordAgePublicKey(silentUrl(), "acme", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")],
    ["the secrets file", () => removeSecretsFile(silentUrl(), "acme")],
  ])("%s names frostbyte:controlPlaneDbUrl when the database never answers, never the password", async (_what, run) => {
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ControlPlaneTimeoutError);
    expect((error as Error).message).toBe(
      "the control-plane database (frostbyte:controlPlaneDbUrl) did not answer within 1 s; check that its host and port are right and that it is up (raise the wait with ?connect_timeout=SECONDS)",
    );
    expect((error as Error).message).not.toContain("cp-secret-pw");
  });
});
