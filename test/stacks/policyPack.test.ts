/**
 * The policy pack on every run, without the engine: where the pack is found and when it is refused,
 * how the engine's policy and summary events are read (the shapes below are what pulumi 3.259 sends,
 * copied from a real run), and how a refused `up` settles its tenants in a real control plane.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../domain";
import { startProvisioning } from "../../components/registry/providerRuntime";
import {
  policyFailureDetails,
  policyMessageOf,
  policyPackDir,
  policyPacksOf,
  PolicyViolationError,
  PolicyWatch,
  progressFromEngineEvent,
  runWithPolicyPack,
  settlePolicyFailure,
  StackSettingsError,
} from "../../stacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

const FIREWALL_URN = "urn:pulumi:tenant-acme::frostbyte::frostbyte:tenant:Tenant$hcloud:index/firewall:Firewall::fb-acme-fw";
const FIREWALL_MESSAGE = 'hcloud Firewall "fb-acme-fw": rule 2 (in tcp 22 from 0.0.0.0/0) opens SSH (22) to the whole internet; ports … (DESIGN §2)';

const event = (fields: Partial<EngineEvent>): EngineEvent => ({ sequence: 1, timestamp: 0, ...fields });

function policyEvent(enforcementLevel: "mandatory" | "warning", message = FIREWALL_MESSAGE): EngineEvent {
  return event({
    policyEvent: {
      resourceUrn: FIREWALL_URN,
      message: `No hcloud firewall rule opens SSH or a store port to 0.0.0.0/0 or ::/0.\n${message}\n`,
      color: "never",
      policyName: "no-world-open-protected-ports",
      policyPackName: "frostbyte-isolation",
      policyPackVersion: "0.1.0",
      policyPackVersionTag: "0.1.0",
      enforcementLevel,
    },
  });
}

/** The summary as the engine's JSON has it: `PolicyPacks` (PascalCase), each name with `|local|<dir>`. */
function summaryEvent(packs: Record<string, string>): EngineEvent {
  const summary = { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { same: 4 }, PolicyPacks: packs, isPreview: true, result: "succeeded" };
  return event({ summaryEvent: summary as unknown as EngineEvent["summaryEvent"] });
}

/** A project whose policy pack is built, so these tests never depend on the repository's bin/ (npm test runs before npm run build). */
function builtProject(): string {
  const project = mkdtempSync(join(tmpdir(), "frostbyte-built-pack-"));
  mkdirSync(join(project, "policy"));
  mkdirSync(join(project, "bin", "policy"), { recursive: true });
  writeFileSync(join(project, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n");
  writeFileSync(join(project, "policy", "package.json"), JSON.stringify({ main: "../bin/policy/index.js" }));
  writeFileSync(join(project, "bin", "policy", "index.js"), "");
  return project;
}

describe("policyPackDir", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "frostbyte-policy-dir-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds the pack of a project whose build holds its entry point, and refuses one that is missing or not built", () => {
    const project = join(root, "project");
    expect(() => policyPackDir(project)).toThrow(new StackSettingsError(`${join(project, "policy")} holds no PulumiPolicy.yaml; every up and preview runs the project's policy pack from there`));
    mkdirSync(join(project, "policy"), { recursive: true });
    writeFileSync(join(project, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n");
    writeFileSync(join(project, "policy", "package.json"), JSON.stringify({ name: "pack" }));
    expect(() => policyPackDir(project)).toThrow('package.json has no "main"');
    writeFileSync(join(project, "policy", "package.json"), JSON.stringify({ main: "../bin/policy/index.js" }));
    expect(() => policyPackDir(project)).toThrow(`is not built: ${join(project, "bin/policy/index.js")} is missing; run npm run build`);
    mkdirSync(join(project, "bin", "policy"), { recursive: true });
    writeFileSync(join(project, "bin", "policy", "index.js"), "");
    expect(policyPackDir(project)).toBe(join(project, "policy"));
  });

  it("refuses to run an engine command without the pack: the command is never started", async () => {
    let started = false;
    const run = runWithPolicyPack({ what: "up of stack x", projectDir: join(root, "nowhere") }, async () => {
      started = true;
    });
    await expect(run).rejects.toThrow(StackSettingsError);
    expect(started).toBe(false);
  });
});

describe("reading the engine's verdict", () => {
  it("keeps the policy's own message (the description line dropped), its policy and its pack", () => {
    expect(policyMessageOf("Description.\nthe message\n")).toBe("the message");
    expect(policyMessageOf("only a message\n")).toBe("only a message");
    const watch = new PolicyWatch((text) => text.replace("0.0.0.0/0", "[world]"));
    watch.observe(policyEvent("mandatory"));
    watch.observe(policyEvent("warning", "advisory finding"));
    expect(watch.mandatory).toEqual([
      {
        policyPack: "frostbyte-isolation@v0.1.0",
        policy: "no-world-open-protected-ports",
        enforcementLevel: "mandatory",
        message: FIREWALL_MESSAGE.replace("0.0.0.0/0", "[world]"),
        urn: FIREWALL_URN,
      },
    ]);
  });

  it("reads the packs the summary names, and refuses a run whose summary names none", () => {
    expect(policyPacksOf(summaryEvent({ "frostbyte-isolation|local|/srv/frostbyte/policy": "0.1.0" }))).toEqual({ "frostbyte-isolation": "0.1.0" });
    expect(policyPacksOf(event({ diagnosticEvent: { message: "x", color: "never", severity: "info" } }))).toBeUndefined();

    const ran = new PolicyWatch();
    ran.observe(summaryEvent({ "frostbyte-isolation|local|/p": "0.1.0" }));
    expect(() => ran.assertPackRan("preview of stack x")).not.toThrow();
    const none = new PolicyWatch();
    none.observe(summaryEvent({}));
    expect(() => none.assertPackRan("preview of stack x")).toThrow("preview of stack x: the engine ran no policy pack");
  });

  it("shows a finding in the progress stream as a diagnostic: an error when mandatory, a warning otherwise", () => {
    expect(progressFromEngineEvent(policyEvent("mandatory"))).toEqual({
      type: "diagnostic",
      severity: "error",
      message: `policy no-world-open-protected-ports (frostbyte-isolation@v0.1.0, mandatory): ${FIREWALL_MESSAGE}`,
      urn: FIREWALL_URN,
    });
    expect(progressFromEngineEvent(policyEvent("warning"))).toMatchObject({ type: "diagnostic", severity: "warning" });
  });

  it("fails a refused run with the policy's message, and leaves other failures as they came", async () => {
    const refused = runWithPolicyPack({ what: "preview", projectDir: builtProject() }, async ({ onEvent }) => {
      onEvent(policyEvent("mandatory"));
      throw new Error("code: 255\nerror: preview failed");
    });
    await expect(refused).rejects.toThrow(PolicyViolationError);
    await expect(refused).rejects.toThrow(`the policy pack refused the deployment: policy no-world-open-protected-ports (frostbyte-isolation@v0.1.0, mandatory): ${FIREWALL_MESSAGE}`);

    const other = new Error("connection refused");
    const failed = runWithPolicyPack({ what: "preview", projectDir: builtProject() }, async ({ onEvent }) => {
      onEvent(policyEvent("warning"));
      throw other;
    });
    await expect(failed).rejects.toBe(other);
  });
});

describe("settling a refused up in a real control plane", () => {
  let server: PostgresServer;
  let db: ControlPlaneDatabase;

  beforeAll(async () => {
    server = await startPostgres();
    db = await createControlPlaneDatabase(server);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  const watch = new PolicyWatch();
  watch.observe(policyEvent("mandatory"));
  const violations = watch.mandatory;

  it("moves a PROVISIONING tenant to FAILED with TENANT_PROVISION_FAILED naming each violation; leaves other states alone", async () => {
    await startProvisioning(db.runtimeUrl, { tenantId: "acme", config: parseTenantConfig({}) });
    await db.registry.createTenant("globex", { actor: "test" });

    const states = await settlePolicyFailure(db.runtimeUrl, ["acme", "globex", "nobody"], violations);
    expect(states).toEqual({ acme: "FAILED", globex: "PENDING" });

    const failed = (await db.registry.listEvents("acme")).at(-1);
    expect(failed).toMatchObject({ eventType: "TENANT_PROVISION_FAILED", actor: "pulumi" });
    expect(failed?.details).toEqual({ from: "PROVISIONING", to: "FAILED", ...policyFailureDetails(violations) });
    expect(failed?.details).toMatchObject({
      operation: "up",
      policy_violations: [
        {
          policy_pack: "frostbyte-isolation@v0.1.0",
          policy: "no-world-open-protected-ports",
          resource_type: "hcloud:index/firewall:Firewall",
          resource_name: "fb-acme-fw",
          message: FIREWALL_MESSAGE,
        },
      ],
    });
    expect((await db.registry.listEvents("globex")).map((e) => e.eventType)).toEqual(["TENANT_CREATED"]);
    expect((await db.registry.verifyChain("acme")).ok).toBe(true);

    // Settled once: a second refused run leaves the FAILED tenant and its history as they are.
    expect(await settlePolicyFailure(db.runtimeUrl, ["acme"], violations)).toEqual({ acme: "FAILED" });
    expect((await db.registry.listEvents("acme")).filter((e) => e.eventType === "TENANT_PROVISION_FAILED")).toHaveLength(1);
  });

  it("a refused up whose settling fails still fails with the policy's message, and says why nothing was recorded", async () => {
    const refused = runWithPolicyPack({ what: "up", projectDir: builtProject(), settle: { controlPlaneDbUrl: undefined, tenantIds: ["acme"] } }, async ({ onEvent }) => {
      onEvent(policyEvent("mandatory"));
      throw new Error("update failed");
    });
    await expect(refused).rejects.toThrow(/refused the deployment: policy no-world-open-protected-ports .* \(the registry could not record the failure: the stack config names no control plane/);
  });
});
