/**
 * One tenant identity (issue 12): a stack made before child resources were named by one rule keeps
 * every resource. The fixture (fixtures/tenant-identity, recorded by its record.ts from commit
 * 5d6f4c0 against the local test environment) is that stack's state, exported with its secrets
 * encrypted, and the config file it was made with. This file imports it into a fresh stack of the
 * current program and previews: every recorded resource must come back as itself (same URN, or the
 * old one through an alias), with no create, delete or replace.
 *
 * Why a recorded state and not a checkout of the old commit: CI may clone without history, and an
 * old checkout must build against today's node_modules. The state's embedded dynamic-provider code
 * (with the recording machine's absolute paths) never runs here: a preview calls `check` and `diff`
 * of the provider serialised by the *current* program, and only a delete or a refresh would run
 * the recorded one. The stores need not exist either, as a preview reads none (the write-back's
 * diff asks the recorded, long gone registry and takes no answer as nothing to redo), except PostgreSQL:
 * the PostgreSQL provider connects to detect the server's version. So the test starts a server and
 * moves the recorded one to it (see movePostgres): the same stack, its PostgreSQL at a new port.
 * After that nothing differs from the recording but the program, and every step must be `same`
 * (but one harmless update, see reverifiesOnly, and the creates of parts added since, see addedSinceRecording). A later change that means to update recorded
 * resources (a provider version bump) fails here too: allow it beside reverifiesOnly, with why.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { LocalWorkspace, type Deployment, type EngineEvent, type Stack, type StepEventMetadata } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { ensureEngine } from "../stacks/support/engine";
import { FIXTURE_CONFIG, FIXTURE_PASSPHRASE, FIXTURE_STACK, FIXTURE_STATE } from "./fixtures/tenant-identity/fixture";
import { PROJECT_ROOT } from "./support/localStack";

/** How Pulumi marks a secret in a state file (with `plaintext` once decrypted). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const PORT_KEYS = new Set(["port", "postgresql:port"]);

/**
 * Replaces the recorded PostgreSQL port with `to` wherever the state holds it as a port: the
 * provider's `port`, the dynamic providers' copy of the stack config, the endpoints the registry
 * and the isolation check were given (inside secrets too). Calls `moved` for each one.
 */
function movePostgres(value: unknown, from: string, to: number, moved: () => void): unknown {
  if (Array.isArray(value)) return value.map((item) => movePostgres(item, from, to, moved));
  if (typeof value !== "object" || value === null) return value;
  const object = value as Record<string, unknown>;
  if (SECRET_SIGNATURE in object && typeof object["plaintext"] === "string") {
    return { ...object, plaintext: JSON.stringify(movePostgres(JSON.parse(object["plaintext"]), from, to, moved)) };
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, item]) => {
      if (PORT_KEYS.has(key) && String(item) === from) {
        moved();
        return [key, typeof item === "number" ? to : String(to)];
      }
      return [key, movePostgres(item, from, to, moved)];
    }),
  );
}

/**
 * The one update allowed, and why it is harmless: the isolation check's diff compares its inputs
 * whole, its serialised provider included, so new code of that provider (or the same code built in
 * another directory, as the recorded one was) verifies the tenant again. It only probes the stores
 * with the tenant's own credentials and records TENANT_ISOLATION_VERIFIED; it creates and deletes
 * nothing. Its other inputs must be unchanged: the store ids in plain, and the check (a secret the
 * events mask) is built from the endpoints and credentials the completion marker and the passwords,
 * both `same`, show unchanged.
 */
function reverifiesOnly(step: StepEventMetadata): boolean {
  const { __provider: _oldCode, ...olds } = (step.old?.inputs ?? {}) as Record<string, unknown>;
  const { __provider: _newCode, ...news } = (step.new?.inputs ?? {}) as Record<string, unknown>;
  return step.op === "update" && step.type === "pulumi-nodejs:dynamic/frostbyte:TenantIsolationVerification" && isDeepStrictEqual(olds, news);
}

/**
 * Parts added to the Tenant since the recording: their creates, and nothing else, are expected.
 * `PostgresDatabaseOpening` (issue 15): databases are now created closed and opened after the
 * REVOKE; on a recorded stack it finds its database open and already revoked, and changes nothing.
 * `RedisTenantKeys`: its create only checks that Redis answers (its delete, on a destroy, removes the keys).
 */
const ADDED_SINCE_RECORDING = new Set(["pulumi-nodejs:dynamic/frostbyte:PostgresDatabaseOpening", "pulumi-nodejs:dynamic/frostbyte:RedisTenantKeys"]);

function addedSinceRecording(step: StepEventMetadata): boolean {
  return step.op === "create" && !step.old && ADDED_SINCE_RECORDING.has(step.type);
}

interface RecordedResource {
  readonly urn: string;
  readonly type: string;
}

describe("a stack made before one tenant identity keeps every resource (real engine)", () => {
  let postgres: PostgresServer;
  let stack: Stack;
  let stateDir: string;
  const configFile = join(PROJECT_ROOT, `Pulumi.${FIXTURE_STACK}.yaml`);
  const recorded = (JSON.parse(readFileSync(FIXTURE_STATE, "utf8")) as { deployment: { resources: RecordedResource[] } }).deployment.resources;

  beforeAll(async () => {
    ensureEngine();
    postgres = await startPostgres();
    stateDir = await mkdtemp(join(tmpdir(), "frostbyte-identity-"));
    // The recorded config, secrets encrypted under the recorded salt, with only the port changed.
    const config = parseDocument(readFileSync(FIXTURE_CONFIG, "utf8"));
    const recordedPort = String(config.getIn(["config", "postgresql:port"]));
    config.setIn(["config", "postgresql:port"], String(postgres.port));
    writeFileSync(configFile, config.toString());
    stack = await LocalWorkspace.createStack(
      { stackName: FIXTURE_STACK, workDir: PROJECT_ROOT },
      {
        envVars: {
          PULUMI_BACKEND_URL: `file://${stateDir}`,
          PULUMI_CONFIG_PASSPHRASE: FIXTURE_PASSPHRASE,
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        },
      },
    );
    await stack.importStack(JSON.parse(readFileSync(FIXTURE_STATE, "utf8")) as Deployment);
    // Moved in the decrypted state (the Automation API's export shows secrets; its import encrypts them again).
    let moves = 0;
    const decrypted = await stack.exportStack();
    await stack.importStack(movePostgres(decrypted, recordedPort, postgres.port, () => moves++) as Deployment);
    expect(moves, "the recorded PostgreSQL port was found nowhere in the state").toBeGreaterThan(0);
  });

  afterAll(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    rmSync(configFile, { force: true });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await postgres?.stop();
  });

  it("the fixture is a whole online stack of two tenants", () => {
    const tenants = recorded.filter((resource) => resource.type === "frostbyte:tenant:Tenant");
    expect(tenants.map((tenant) => tenant.urn.split("::").at(-1)).sort()).toEqual(["acme", "globex-eu"]);
    expect(recorded.filter((resource) => resource.urn.includes("frostbyte:tenant:Tenant$"))).toHaveLength(2 * 25);
  });

  it("a preview of the current program matches every recorded resource, with no create, delete or replace", async () => {
    const steps: StepEventMetadata[] = [];
    const onEvent = (event: EngineEvent) => {
      if (event.resourcePreEvent) steps.push(event.resourcePreEvent.metadata);
    };
    await stack.preview({ onEvent, diff: true });

    // A create and a delete of one type is a rename without an alias; an update changed what a recorded resource was given.
    const changed = steps.filter((step) => step.op !== "same" && !reverifiesOnly(step) && !addedSinceRecording(step)).map((step) => `${step.op} ${step.urn}`);
    // One create of each added part per recorded tenant (the fixture holds two).
    const added = steps.filter(addedSinceRecording).map((step) => step.type).sort();
    expect(added).toEqual([...ADDED_SINCE_RECORDING].flatMap((type) => [type, type]).sort());
    expect(changed, "every step of the preview must be `same`").toEqual([]);

    // Each recorded resource is the old side of exactly one step: under its own URN or an alias.
    const matched = steps.map((step) => step.old?.urn ?? "").filter(Boolean).sort();
    expect(matched).toEqual(recorded.map((resource) => resource.urn).sort());
  });
});
