/**
 * Opening the state backend once (stacks/stateBackend.ts), with the real CLI on a real PostgreSQL:
 * an empty database gets Pulumi's state table before any engine runs, opening it again changes
 * nothing, and a backend that cannot be opened is a StackSettingsError without its password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findProjectDir, openStateBackend, redactor, stackSettingsFromEnv, type StackSettings } from "../../stacks";
import { StackSettingsError } from "../../stacks/errors";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ trustedUsers: [] });
  await server.query("CREATE ROLE state_owner LOGIN PASSWORD 'state-owner-password'");
  await server.createDatabase("stacks_state", "state_owner");
});

afterAll(async () => {
  await server?.stop();
});

const settingsFor = (backendUrl: string): StackSettings =>
  stackSettingsFromEnv({ PULUMI_BACKEND_URL: backendUrl, PULUMI_CONFIG_PASSPHRASE: "state-backend-test" }, { workDir: findProjectDir() });
const backendUrl = (password: string, database = "stacks_state") => `postgres://state_owner:${password}@${server.host}:${server.port}/${database}?sslmode=disable`;
const stateTables = async () => (await server.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", [], "stacks_state")).rows.map((row) => row.tablename);

describe("opening the state backend", () => {
  it("creates Pulumi's state table in an empty database, and opening it again is harmless", async () => {
    expect(await stateTables()).toEqual([]);
    const redact = redactor(["state-owner-password"]);
    await openStateBackend(settingsFor(backendUrl("state-owner-password")), redact);
    expect(await stateTables()).toEqual(["pulumi_state"]);
    await Promise.all([1, 2].map(() => openStateBackend(settingsFor(backendUrl("state-owner-password")), redact)));
    expect(await stateTables()).toEqual(["pulumi_state"]);
  });

  it("refuses a backend it cannot open, naming it without its password", async () => {
    const wrong = "not-the-state-password";
    const attempt = openStateBackend(settingsFor(backendUrl(wrong)), redactor([wrong]));
    await expect(attempt).rejects.toThrow(StackSettingsError);
    await expect(attempt).rejects.toThrow(new RegExp(`^the state backend postgres://.*${server.port}/stacks_state.* cannot be opened: .*password authentication failed`));
    await expect(attempt).rejects.not.toThrow(wrong);
  });
});
