/**
 * `frostbyte tenant rotate|suspend|resume <id>`: every refusal is one line, exit 1, and comes before
 * anything is touched (no token recorded, no event, no operation). Real PostgreSQL; the successful
 * runs (enqueued, run by a worker, followed) against the real engine and stores are in
 * test/e2e/tenantOperations.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { insertOperation, markFailed } from "../../controlplane";
import { buildCli, type BuiltCli } from "../support/builtCli";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { sampleStackConfig } from "../support/sampleStackConfig";

let server: PostgresServer;
let db: ControlPlaneDatabase;
let cli: BuiltCli;
let dir: string;
let baseConfig: string;
const actor = "test-operator";

beforeAll(async () => {
  [server, cli] = await Promise.all([startPostgres(), buildCli()]);
  db = await createControlPlaneDatabase(server);
  dir = await mkdtemp(join(tmpdir(), "frostbyte-tenant-ops-"));
  const values = sampleStackConfig();
  delete values["frostbyte:tenants"];
  baseConfig = join(dir, "base.json");
  await writeFile(baseConfig, JSON.stringify(values));
  for (const id of ["acme", "globex", "initech"]) {
    await db.registry.createTenant(id, { actor });
    await db.registry.transition(id, "PROVISIONING", { actor });
    await db.registry.transition(id, "ACTIVE", { actor });
  }
  await db.registry.transition("globex", "SUSPENDED", { actor });
  await db.registry.createTenant("pending-one", { actor });
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
  await cli?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `frostbyte <args>` in-process with the control plane, and `extra` in the environment. */
async function frostbyte(args: string[], extra: Record<string, string> = {}) {
  const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl, ...extra });
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** What a refusal must leave alone: the tenant's row and its audit chain. */
async function snapshot(id: string) {
  const tenant = await db.registry.getTenant(id);
  return { state: tenant.state, rotation: tenant.credentialRotation, updatedAt: tenant.updatedAt.toISOString(), events: (await db.registry.listEvents(id)).length };
}

describe("frostbyte tenant rotate|suspend|resume: refusals", () => {
  it.each([
    ["rotate", "globex", 'tenant "globex" is SUSPENDED; rotate needs ACTIVE'],
    ["rotate", "pending-one", 'tenant "pending-one" is PENDING; rotate needs ACTIVE'],
    ["suspend", "globex", 'tenant "globex" is SUSPENDED; suspend needs ACTIVE'],
    ["suspend", "pending-one", 'tenant "pending-one" is PENDING; suspend needs ACTIVE'],
    ["resume", "acme", 'tenant "acme" is ACTIVE; resume needs SUSPENDED'],
    ["resume", "pending-one", 'tenant "pending-one" is PENDING; resume needs SUSPENDED'],
  ])("%s %s: the state is checked first and refused in one line", async (operation, id, message) => {
    const before = await snapshot(id);
    const result = await frostbyte(["tenant", operation, id]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: `frostbyte: ${message}\n` });
    expect(await snapshot(id)).toEqual(before);
  });

  it("an unknown tenant and a bad id are named", async () => {
    expect(await frostbyte(["tenant", "rotate", "ghost"])).toEqual({ code: 1, stdout: "", stderr: 'frostbyte: tenant "ghost" is not in the registry\n' });
    const bad = await frostbyte(["tenant", "suspend", "Bad_Id"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^frostbyte: tenant id "Bad_Id"[^\n]*\n$/);
  });

  it("without a control plane nothing is touched", async () => {
    const io = memoryIo({});
    expect(await runCli(["node", "frostbyte", "tenant", "rotate", "acme"], io)).toBe(1);
    expect(io.err.join("")).toMatch(/^frostbyte: FROSTBYTE_CONTROL_DB_URL is not set;[^\n]*\n$/);
  });

  it("a missing id is a usage error", async () => {
    const result = await frostbyte(["tenant", "resume"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing required argument 'id'/);
  });

  it("a tenant with an operation queued or running (the portal's, a fleet's) is refused before a token is recorded", async () => {
    const operation = await insertOperation(db.pool, { tenantId: "initech", kind: "update_config", actor: "portal-test" });
    try {
      const before = await snapshot("initech");
      const result = await frostbyte(["tenant", "rotate", "initech"]);
      expect(result).toEqual({
        code: 1,
        stdout: "",
        stderr: 'frostbyte: tenant "initech" already has an operation in progress (another operation is queued or running); try again when it has finished\n',
      });
      expect(await snapshot("initech")).toEqual(before);
    } finally {
      await markFailed(db.pool, operation.operationId, "test over");
    }
  });

  it("the built command, run as a process, refuses a suspended tenant's rotation with one line and exit 1", async () => {
    const result = await cli.run(["tenant", "rotate", "globex"], { FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'frostbyte: tenant "globex" is SUSPENDED; rotate needs ACTIVE\n' });
    const help = await cli.run(["tenant", "--help"]);
    expect(help.stdout).toMatch(/rotate (\[options\] )?<id>/);
    expect(help.stdout).toMatch(/a frostbyte\s+worker runs it/);
    expect(help.stdout).toMatch(/suspend (\[options\] )?<id>/);
    expect(help.stdout).toMatch(/resume (\[options\] )?<id>/);
  });
});
