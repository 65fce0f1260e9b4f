/**
 * No secret on any command line (`/proc/<pid>/cmdline` is readable by every local user): a tenant
 * provisioned over the portal, its credentials rotated with the `frostbyte` command and the tenant
 * deprovisioned over the portal, all on the real engine and real stores (PostgreSQL, Redis, MinIO;
 * Hetzner Cloud and Qdrant API test doubles), with every `pulumi` command recorded by a shim first
 * on PATH and every process below this test sampled from /proc. None of the platform's secrets (the
 * control-plane URL's password, the stores' admin passwords, the Qdrant API key, the Hetzner token,
 * the stacks' passphrase) nor any of the tenant's own credentials (both generations) may appear in
 * any of them. Run `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { TenantCredentials } from "../../components";
import { createToken } from "../../controlplane";
import { SECRET_CONFIG_KEYS } from "../../domain";
import { credentialsInDeployment } from "../../stacks/stateSecrets";
import { installPulumiShim, sampleCommandLines, secretsOnCommandLines, type PulumiShim } from "./support/commandLines";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT } from "./support/localStack";
import { frostbyte, portalClient, startPortal, type PortalProcess } from "./support/portalProcess";

const PASSPHRASE = `argv-e2e-${randomBytes(12).toString("hex")}`;
/** Unique per run: the portal writes `Pulumi.tenant-{id}.yaml` into the project directory. */
const ID = `argv${process.pid}`;

describe("no secret on any command line during a tenant's life (portal, CLI, real engine and stores)", () => {
  let env: LocalEnvironment;
  let dir: string;
  let shim: PulumiShim;
  let sampler: { stop(): string[][] };
  let portal: PortalProcess;
  let client: ReturnType<typeof portalClient>;
  let baseConfigFile: string;
  let childEnv: NodeJS.ProcessEnv;
  /** Every secret that must stay off command lines, by what it is. */
  const secrets: Record<string, string> = {};

  /** Every credential the tenant's stack holds now (its state, decrypted through stdout), and its exported credentials. */
  async function tenantCredentials(): Promise<{ all: string[]; outputs: TenantCredentials }> {
    const workspace = await LocalWorkspace.create({ workDir: PROJECT_ROOT, envVars: { PULUMI_BACKEND_URL: `file://${join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    const all = credentialsInDeployment((await workspace.exportStack(`tenant-${ID}`)).deployment);
    const outputs = ((await workspace.stackOutputs(`tenant-${ID}`))["tenantOutputs"]?.value as Record<string, { credentials: TenantCredentials }>)[ID];
    if (!outputs) throw new Error(`tenant-${ID} exports no credentials`);
    return { all, outputs: outputs.credentials };
  }

  async function remember(generation: string): Promise<void> {
    const { all, outputs } = await tenantCredentials();
    // The state reading finds every credential the stack exports, and the age private key.
    expect(all).toEqual(expect.arrayContaining([outputs.postgres.password, outputs.minio.secretKey, outputs.redis.password, outputs.qdrant.token]));
    expect(all.some((credential) => credential.startsWith("AGE-SECRET-KEY-1"))).toBe(true);
    all.forEach((credential, index) => (secrets[`tenant credential ${index} (${generation})`] = credential));
  }

  beforeAll(async () => {
    env = await startLocalEnvironment();
    dir = await mkdtemp(join(tmpdir(), "frostbyte-argv-e2e-"));
    shim = installPulumiShim(join(dir, "shim"));
    sampler = sampleCommandLines(process.pid);
    // Secrets of our own where the environment has none: the control plane and the stores' PostgreSQL
    // trust loopback logins and ignore a password, so these only have to stay hidden.
    const controlPlaneUrl = new URL(env.controlPlane.runtimeUrl);
    controlPlaneUrl.password = randomBytes(12).toString("hex");
    const postgresPassword = randomBytes(12).toString("hex");
    Object.assign(secrets, {
      "control-plane URL password": controlPlaneUrl.password,
      "PostgreSQL admin password": postgresPassword,
      "MinIO root password": env.minio.rootPassword,
      "Redis admin password": env.redis.adminPassword,
      "Qdrant API key": env.qdrantApiKey,
      "Hetzner Cloud token": env.hcloudToken,
      "stacks passphrase": PASSPHRASE,
    });
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    values["frostbyte:controlPlaneDbUrl"] = controlPlaneUrl.href;
    values["postgresql:password"] = postgresPassword;
    baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    childEnv = { ...process.env, PATH: shim.path, FROSTBYTE_CONTROL_DB_URL: controlPlaneUrl.href, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state") };
    portal = await startPortal(baseConfigFile, childEnv);
    client = portalClient(portal.url, (await createToken(env.controlPlane.pool, { kind: "admin" })).token);
  });

  afterAll(async () => {
    sampler?.stop();
    await portal?.stop();
    await env?.stop();
    await rm(join(PROJECT_ROOT, `Pulumi.tenant-${ID}.yaml`), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("provisions over the portal", async () => {
    const created = await client.call("POST", "/tenants", { id: ID, config: {} });
    expect(created.status, created.text).toBe(202);
    const { end, progress } = await client.stream((created.json as { operationId: string }).operationId);
    expect({ state: end.state, error: end.error, diagnostics: progress.filter((event) => event.type === "diagnostic") }).toMatchObject({ state: "succeeded", error: null });
    await remember("initial");
  });

  it("rotates every credential with the frostbyte command", async () => {
    const run = await frostbyte(["tenant", "rotate", ID], childEnv);
    expect(run.code, run.stderr).toBe(0);
    await remember("r2");
  });

  it("deprovisions over the portal; no command line of any process held a secret", async () => {
    const deleted = await client.call("DELETE", `/tenants/${ID}`);
    expect(deleted.status, deleted.text).toBe(202);
    expect((await client.stream((deleted.json as { operationId: string }).operationId)).end).toMatchObject({ state: "succeeded", error: null });

    const calls = shim.calls();
    const sampled = sampler.stop();
    expect(secretsOnCommandLines(calls, secrets)).toEqual([]);
    expect(secretsOnCommandLines(sampled, secrets)).toEqual([]);

    // The recording saw what it had to: every secret key of the stack config set through the shim
    // (its value on stdin), the engine's commands, and the processes the engine started.
    const secretSets = calls.filter((args) => args[0] === "config" && args[1] === "set" && args.includes("--secret")).map((args) => args[2]);
    expect(new Set(secretSets)).toEqual(new Set(SECRET_CONFIG_KEYS));
    for (const command of ["up", "destroy", "stack"]) expect(calls.some((args) => args[0] === command), command).toBe(true);
    const programs = sampled.map((line) => line[0] ?? "");
    expect(programs.some((program) => program.endsWith("pulumi-language-nodejs"))).toBe(true);
    expect(programs.some((program) => /pulumi-resource-(postgresql|minio|random|hcloud)$/.test(program))).toBe(true);
  });
});
