import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { buildCli, type BuiltCli } from "../support/builtCli";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let cli: BuiltCli;
const actor = "test-operator";

beforeAll(async () => {
  [server, cli] = await Promise.all([startPostgres(), buildCli()]);
  db = await createControlPlaneDatabase(server, { migrate: false });
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
  await cli?.remove();
});

/** Runs `frostbyte <args>` in-process against the test database (as `url`, default the runtime login; null: unset). */
async function frostbyte(args: string[], url: string | null = db.runtimeUrl) {
  const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: url ?? undefined });
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

async function breakEvent(eventId: string): Promise<void> {
  await db.asSuperuser(async (client) => {
    await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only, DISABLE TRIGGER audit_events_append_only_statement");
    await client.query("UPDATE audit_events SET actor = 'mallory' WHERE event_id = $1", [eventId]);
    await client.query("ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only, ENABLE ALWAYS TRIGGER audit_events_append_only_statement");
  });
}

describe("frostbyte (DESIGN §9)", () => {
  it("db migrate applies the migrations as the migration role, then reports nothing to do", async () => {
    expect(await frostbyte(["db", "migrate"], db.migratorUrl)).toEqual({
      code: 0,
      stdout: "applied 15 migration(s): 001_tenant_registry, 002_audit_events, 003_runtime_role, 004_tenant_secrets_files, 005_operations, 006_api_tokens, 007_credential_rotation, 008_rotate_operations, 009_registry_guards, 010_close_control_plane_database, 011_audit_every_tenant_change, 012_api_token_roles_and_expiry, 013_operations_as_jobs, 014_tenant_drift, 015_applied_deployments\n",
      stderr: "",
    });
    expect((await frostbyte(["db", "migrate"], db.migratorUrl)).stdout).toBe("control-plane database is up to date; no migration to apply\n");
    await server.query("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frostbyte_app') THEN CREATE ROLE frostbyte_app LOGIN; END IF; END $$");
    await server.query("GRANT frostbyte_runtime TO frostbyte_app");
  });

  it("tenant list and tenant show read the registry", async () => {
    expect((await frostbyte(["tenant", "list"])).stdout).toBe("no tenants in the registry\n");
    await db.registry.createTenant("acme", { actor });
    await db.registry.createTenant("globex", { actor });
    const list = await frostbyte(["tenant", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^TENANT\s+STATE\s+CONFIG VERSION\s+CREATED\s+UPDATED$/);
    expect(list.stdout).toMatch(/^acme\s+PENDING\s+1\s+/m);
    expect(list.stdout).toMatch(/^globex\s+PENDING\s+1\s+/m);
    const show = await frostbyte(["tenant", "show", "acme"]);
    expect(JSON.parse(show.stdout)).toMatchObject({ tenantId: "acme", state: "PENDING", configVersion: 1, config: { pii: { mode: "redact" } } });
  });

  it("audit verify passes an intact chain and fails with the first bad event on a broken one", async () => {
    await db.registry.transition("acme", "PROVISIONING", { actor });
    await db.registry.transition("acme", "ACTIVE", { actor });
    expect(await frostbyte(["audit", "verify", "acme"])).toEqual({ code: 0, stdout: 'audit chain of tenant "acme" is intact: 3 event(s) verified\n', stderr: "" });

    const [, second] = await db.registry.listEvents("acme");
    await breakEvent(second?.eventId ?? "");
    const broken = await frostbyte(["audit", "verify", "acme"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toMatch(new RegExp(`^frostbyte: audit chain of tenant "acme" is broken at event ${second?.eventId} \\(chain position 2\\): hash does not match[^\\n]*\\n$`));
  });

  it("the built command, run as a process, exits 1 and names the bad event", async () => {
    const [, second] = await db.registry.listEvents("acme");
    const broken = await cli.run(["audit", "verify", "acme"], { FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`is broken at event ${second?.eventId} (chain position 2)`);
    expect(broken.stderr.trim().split("\n")).toHaveLength(1);
    const intact = await cli.run(["audit", "verify", "globex"], { FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });
    expect(intact).toMatchObject({ code: 0, stderr: "" });
  });

  it("tenant create registers a tenant with TENANT_CREATED, from a YAML config file, and refuses a second one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frostbyte-cli-"));
    try {
      const configFile = join(dir, "initech.yaml");
      await writeFile(configFile, "pii: { mode: block }\nretention_days: 30\n");
      expect(await frostbyte(["tenant", "create", "initech", "--config", configFile])).toEqual({
        code: 0,
        stdout: 'tenant "initech" registered: PENDING, config_version 1\n',
        stderr: "",
      });
      expect(await db.registry.getTenant("initech")).toMatchObject({ state: "PENDING", config: { pii: { mode: "block" }, retention_days: 30 } });
      const [created] = await db.registry.listEvents("initech");
      expect(created).toMatchObject({ eventType: "TENANT_CREATED", actor: expect.stringMatching(/^cli:./) as unknown as string });
      expect(await frostbyte(["tenant", "create", "initech"])).toMatchObject({ code: 1, stderr: 'frostbyte: tenant "initech" is already in the registry\n' });

      await writeFile(configFile, "retention_days: -1\n");
      const badConfig = await frostbyte(["tenant", "create", "hooli", "--config", configFile]);
      expect(badConfig.code).toBe(1);
      expect(badConfig.stderr).toMatch(/^frostbyte: [^\n]*retention_days[^\n]*\n$/);
      expect(await frostbyte(["tenant", "create", "hooli", "--config", join(dir, "missing.yaml")])).toMatchObject({
        code: 1,
        stderr: `frostbyte: --config ${join(dir, "missing.yaml")}: cannot read it (ENOENT)\n`,
      });
      await expect(db.registry.getTenant("hooli")).rejects.toThrow('tenant "hooli" is not in the registry');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["tenant", "create", "Bad--Id"], /^frostbyte: tenant id "Bad--Id": must match .*\n$/],
    [["tenant", "show", "nobody"], 'frostbyte: tenant "nobody" is not in the registry\n'],
    [["tenant", "show", "Bad_Id"], /^frostbyte: tenant id "Bad_Id": must match .*\n$/],
    [["audit", "verify", "nobody"], 'frostbyte: tenant "nobody" is not in the registry\n'],
  ])("%j fails with one line and exit 1", async (args, expected) => {
    const result = await frostbyte(args);
    expect(result.code).toBe(1);
    if (typeof expected === "string") expect(result.stderr).toBe(expected);
    else expect(result.stderr).toMatch(expected);
  });

  it("says which variable is missing, and never prints a password from the URL", async () => {
    expect((await frostbyte(["tenant", "list"], null)).stderr).toMatch(/^frostbyte: FROSTBYTE_CONTROL_DB_URL is not set;[^\n]*\n$/);
    const unreachable = await frostbyte(["tenant", "list"], "postgresql://ops:pa55w0rd-xyz@127.0.0.1:1/control");
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^frostbyte: cannot reach the control-plane database: [^\n]*\n$/);
    expect(unreachable.stderr).not.toContain("pa55w0rd-xyz");
    const badScheme = await frostbyte(["db", "migrate"], "mysql://ops:pa55w0rd-xyz@db/control");
    expect(badScheme.stderr).toBe('frostbyte: FROSTBYTE_CONTROL_DB_URL: control-plane database URL has scheme "mysql"; expected postgres or postgresql\n');
    const wrongUser = await frostbyte(["tenant", "list"], server.url(db.name, "nobody", "pa55w0rd-xyz"));
    expect(wrongUser.stderr).toMatch(/^frostbyte: database refused: role "nobody" does not exist\n$/);
  });

  it("tells to migrate when the schema is missing", async () => {
    const empty = await createControlPlaneDatabase(server, { migrate: false });
    try {
      const result = await frostbyte(["tenant", "list"], empty.migratorUrl);
      expect(result.stderr).toBe('frostbyte: database refused: relation "tenants" does not exist (has "frostbyte db migrate" been run?)\n');
    } finally {
      await empty.close();
    }
  });
});
