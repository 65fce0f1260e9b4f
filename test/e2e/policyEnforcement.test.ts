/**
 * The policy pack on every run of the stacks layer (what the portal, the fleet and the CLI's tenant
 * operations drive), on the real engine, real PostgreSQL, Redis and MinIO and the Qdrant and Hetzner
 * doubles:
 *  - every `up` and `preview` kind (provision, preview, drift = preview --refresh, up --refresh) of
 *    the project's program runs the real pack: the engine's summary names frostbyte-isolation;
 *  - a resource the pack refuses stops the `up` before that resource exists: the operation fails
 *    with the policy's own message, and the tenant, left PROVISIONING by the program's start
 *    resource, ends FAILED with TENANT_PROVISION_FAILED naming the violation.
 *
 * Why the refused run is the real program with a transform: the tenant config's validation refuses
 * everything the pack refuses (a config the pack would stop never reaches the engine), so no input
 * makes the program break the pack. The pack is there for the program's own mistakes. The refused
 * project runs this very program, unchanged, with one resource transform that adds an SSH rule from
 * 0.0.0.0/0 to the tenant's firewall, as a bug in firewallRules.ts would; the start resource, the
 * ordering and the write-back are the real ones.
 */
import { readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firewallRules } from "../../components/hetzner/firewallRules";
import { partName } from "../../components/partOptions";
import { tenantNames } from "../../domain";
import { firewallRuleProblems } from "../../policy/firewallPorts";
import { POLICY_PACK_NAME } from "../../policy/policies";
import { describeResource, RESOURCE_TYPES } from "../../policy/resourceTypes";
import { baseConfigFromValues, createTenantStacks, desiredStateFromRegistry, PolicyViolationError, type ProgressEvent, type TenantStacks } from "../../stacks";
import { REPO_ROOT, buildProjectView, type ProjectView } from "../stacks/support/projectView";
import { ensureEngine } from "../stacks/support/engine";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";

const PASSPHRASE = "frostbyte-e2e-passphrase";
const PACK_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "policy/package.json"), "utf8")) as { version: string }).version;
const COMPLIANT = "policy-ok";
const REFUSED = "policy-refused";
/** The rule the transform adds: SSH from the whole internet. */
const WORLD_SSH = { direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"] } as const;

/**
 * The refused project's entry point: the program itself, after a transform that appends
 * {@link WORLD_SSH} to every hcloud firewall's rules.
 */
const TAMPERED_MAIN = `"use strict";
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.registerResourceTransform(({ type, props, opts }) => {
  if (type !== "${RESOURCE_TYPES.hcloudFirewall}") return undefined;
  return { props: { ...props, rules: pulumi.output(props.rules).apply((rules) => [...(rules || []), ${JSON.stringify(WORLD_SSH)}]) }, opts };
});
module.exports = require("./index.js");
`;

/**
 * A second project beside the view: its compiled program and pack (linked), entered through
 * TAMPERED_MAIN. The entry point sits in bin/ beside links to the view's compiled folders, because
 * the engine runs the dynamic providers in the directory of `main` and they load their runtime
 * modules from there.
 */
async function tamperedProject(view: ProjectView, dir: string): Promise<void> {
  await mkdir(join(dir, "policy"), { recursive: true });
  await mkdir(join(dir, "bin"));
  const manifest = (await readFile(join(REPO_ROOT, "Pulumi.yaml"), "utf8")).replace(/^main: .*$/m, "main: bin/tampered.js");
  expect(manifest).toContain("main: bin/tampered.js");
  await writeFile(join(dir, "Pulumi.yaml"), manifest);
  await copyFile(join(REPO_ROOT, "package.json"), join(dir, "package.json"));
  for (const file of ["PulumiPolicy.yaml", "package.json"]) await copyFile(join(REPO_ROOT, "policy", file), join(dir, "policy", file));
  await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const entry of await readdir(join(view.workDir, "bin"))) await symlink(join(view.workDir, "bin", entry), join(dir, "bin", entry));
  await writeFile(join(dir, "bin", "tampered.js"), TAMPERED_MAIN);
}

describe("the policy pack on every up and preview of the stacks layer (real engine and stores)", () => {
  let env: LocalEnvironment;
  let view: ProjectView;
  let stacks: TenantStacks;
  let tampered: TenantStacks;
  let tamperedDir: string;

  beforeAll(async () => {
    ensureEngine();
    [env, view] = await Promise.all([startLocalEnvironment(), buildProjectView()]);
    const values = localStackConfig(env, []).values;
    delete values["frostbyte:tenants"];
    const base = baseConfigFromValues(values);
    stacks = createTenantStacks(base, { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir }, workDir: view.workDir });
    tamperedDir = join(view.workDir, "..", "tampered");
    await tamperedProject(view, tamperedDir);
    tampered = createTenantStacks(base, { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(tamperedDir, ".state") }, workDir: tamperedDir });
  });

  afterAll(async () => {
    for (const [layer, id] of [[stacks, COMPLIANT], [tampered, REFUSED]] as const) {
      if (!layer) continue;
      const reservation = layer.reserve(id, "e2e clean-up");
      await layer.deprovision(reservation).catch(() => undefined);
      reservation.release();
    }
    await env?.stop();
    await view?.remove();
  });

  /** Runs one operation of `layer` on `id`, from its registry row, holding its reservation; returns the outcome or the error, and the progress. */
  async function operate(layer: TenantStacks, id: string, kind: "provision" | "preview" | "previewRefreshed" | "updateRefreshed") {
    const progress: ProgressEvent[] = [];
    const reservation = layer.reserve(id, `e2e ${kind}`);
    try {
      const desired = desiredStateFromRegistry(await env.controlPlane.registry.getTenant(id));
      const outcome = await layer[kind](reservation, desired, { onProgress: (event) => progress.push(event) }).catch((error: unknown) => error);
      return { outcome, progress };
    } finally {
      reservation.release();
    }
  }

  it("provision, preview, drift and up --refresh each run frostbyte-isolation, and the program passes it", async () => {
    await env.controlPlane.registry.createTenant(COMPLIANT, { actor: "e2e" });
    for (const kind of ["provision", "preview", "previewRefreshed", "updateRefreshed"] as const) {
      const { outcome, progress } = await operate(stacks, COMPLIANT, kind);
      expect(outcome, `${kind}: ${String(outcome)}`).not.toBeInstanceOf(Error);
      expect(outcome, kind).toMatchObject({ summary: { result: "succeeded" }, policyPacks: { [POLICY_PACK_NAME]: PACK_VERSION } });
      expect(progress.filter((event) => event.type === "diagnostic" && event.severity === "error"), kind).toEqual([]);
    }
    expect((await env.controlPlane.registry.getTenant(COMPLIANT)).state).toBe("ACTIVE");
  });

  it("a firewall rule the pack refuses stops the up before the firewall exists; the tenant ends FAILED with the policy's message", async () => {
    await env.controlPlane.registry.createTenant(REFUSED, { actor: "e2e" });
    const firewall = tenantNames(REFUSED).hetzner.firewall;
    const firewallResource = partName(REFUSED, "hetzner-firewall");
    // What the program gives the firewall for the registry's config, plus the transform's rule.
    const rules = [...firewallRules((await env.controlPlane.registry.getTenant(REFUSED)).config.network, false), WORLD_SSH];
    const problems = firewallRuleProblems(rules);
    expect(problems).toHaveLength(1);
    const message = `${describeResource(RESOURCE_TYPES.hcloudFirewall, firewallResource)}: ${problems[0]}`;
    const described = `policy no-world-open-protected-ports (${POLICY_PACK_NAME}@v${PACK_VERSION}, mandatory): ${message}`;

    const { outcome: error, progress } = await operate(tampered, REFUSED, "provision");
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as Error).message).toBe(`the policy pack refused the deployment: ${described}`);
    expect(progress).toContainEqual(expect.objectContaining({ type: "diagnostic", severity: "error", message: described }));
    // Refused before its create: the Hetzner API never saw the firewall.
    expect(env.hcloud.firewalls().map((f) => f.name)).not.toContain(firewall);

    const tenant = await env.controlPlane.registry.getTenant(REFUSED);
    expect(tenant.state).toBe("FAILED");
    const events = await env.controlPlane.registry.listEvents(REFUSED);
    expect(events.map((event) => event.eventType)).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_AGE_KEY_UPDATED", "TENANT_PROVISION_FAILED"]);
    expect(events.at(-1)).toMatchObject({
      actor: "pulumi",
      details: {
        from: "PROVISIONING",
        to: "FAILED",
        operation: "up",
        error: `the policy pack refused the deployment: ${described}`,
        policy_violations: [
          { policy_pack: `${POLICY_PACK_NAME}@v${PACK_VERSION}`, policy: "no-world-open-protected-ports", resource_type: RESOURCE_TYPES.hcloudFirewall, resource_name: firewallResource, message },
        ],
      },
    });
    expect((await env.controlPlane.registry.verifyChain(REFUSED)).ok).toBe(true);

    // A preview is refused the same way, and records nothing.
    const preview = await operate(tampered, REFUSED, "preview");
    expect(preview.outcome).toBeInstanceOf(PolicyViolationError);
    expect((preview.outcome as Error).message).toContain(message);
    expect(await env.controlPlane.registry.listEvents(REFUSED)).toHaveLength(events.length);
  });
});
