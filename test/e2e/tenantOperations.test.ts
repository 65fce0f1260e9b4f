/**
 * `frostbyte tenant rotate|suspend|resume` for real: the built command (bin/cli/main.js) enqueues
 * the operation and a `frostbyte worker` process runs it on the tenant's stack (`tenant-{id}`, the
 * stacks layer, on a file backend) against real PostgreSQL, Redis and MinIO and the Qdrant and
 * Hetzner doubles, while the command follows it; then the portal's deprovision path destroys the
 * tenant while it is SUSPENDED. Run `npm run build` first.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { tenantNames } from "../../domain";
import type { SecretsDocument } from "../../components/secrets";
import { sopsDecryptYaml } from "../../controlplane";
import { baseConfigFromValues, createTenantStacks, desiredStateFromRegistry, tenantStackName, type TenantStacks } from "../../stacks";
import { minioPolicyExists, minioUserStatus } from "./support/minioAdmin";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT } from "./support/localStack";
import { startWorkerProcess, type WorkerProcess } from "./support/workerProcess";
import { openLiveSessions } from "./support/liveSessions";
import { leftovers, reach } from "./support/storeChecks";

const PASSPHRASE = "frostbyte-e2e-passphrase";
/** Unique per run: the stack is `tenant-{id}`, and its config file lands in the project directory. */
const ID = `ops${process.pid}`;
const names = tenantNames(ID);

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type StackOutputs = Record<string, { endpoints: TenantEndpoints; credentials: TenantCredentials }>;

describe("frostbyte tenant rotate|suspend|resume and the destroy of a suspended tenant, on the real engine and stores", () => {
  let env: LocalEnvironment;
  let dir: string;
  let stateDir: string;
  let baseConfigPath: string;
  let stacks: TenantStacks;
  let worker: WorkerProcess | undefined;
  let endpoints: TenantEndpoints;
  /** Per rotation generation: the tenant's age identity and what its secrets file held. */
  const generations: { ageKey: string; secrets: SecretsDocument; ciphertext: string }[] = [];

  /** The built `frostbyte` command, as an operator runs it. */
  function frostbyte(args: readonly string[]): Promise<CliRun> {
    const childEnv = {
      ...process.env,
      FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      FROSTBYTE_STATE_DIR: stateDir,
    };
    return new Promise((resolve) => {
      execFile(process.execPath, [join(PROJECT_ROOT, "bin/cli/main.js"), ...args], { env: childEnv, cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
      });
    });
  }

  /** The tenant's age identity, from the stack's state (the only place it lives). */
  async function tenantAgeKey(): Promise<string> {
    const stack = await stacks.createOrSelect(ID);
    const deployment = (await stack.exportStack()).deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] };
    const keys = (deployment.resources ?? []).filter((r) => r.type === "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey");
    expect(keys).toHaveLength(1);
    const value = keys[0]?.outputs?.["privateKey"];
    const plain = typeof value === "object" && value !== null && "plaintext" in value ? (JSON.parse(String((value as { plaintext: string }).plaintext)) as unknown) : value;
    expect(plain).toMatch(/^AGE-SECRET-KEY-1/);
    return plain as string;
  }

  /** `frostbyte secrets show` (the ciphertext), then `sops -d` with the given identity. */
  async function secretsFile(identity: string): Promise<{ ciphertext: string; secrets: SecretsDocument }> {
    const shown = await frostbyte(["secrets", "show", ID]);
    expect(shown.code, shown.stderr).toBe(0);
    return { ciphertext: shown.stdout, secrets: parseYaml(await sopsDecryptYaml(shown.stdout, identity)) as SecretsDocument };
  }

  /** Credentials as the store checks take them, from the secrets file. */
  const credentialsOf = (secrets: SecretsDocument): TenantCredentials => ({ minio: secrets.minio, postgres: secrets.postgres, redis: secrets.redis, qdrant: secrets.qdrant });

  async function outputs(): Promise<{ endpoints: TenantEndpoints; credentials: TenantCredentials }> {
    const stack = await stacks.createOrSelect(ID);
    const all = (await stack.outputs())["tenantOutputs"]?.value as StackOutputs;
    return all[ID]!;
  }

  beforeAll(async () => {
    env = await startLocalEnvironment();
    dir = await mkdtemp(join(tmpdir(), "frostbyte-tenant-ops-"));
    stateDir = join(dir, "state");
    const values = localStackConfig(env, []).values;
    delete values["frostbyte:tenants"];
    baseConfigPath = join(dir, "base.yaml");
    await writeFile(baseConfigPath, stringify(values));
    stacks = createTenantStacks(baseConfigFromValues(values), { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: stateDir } });

    // Provisioned the way the portal does it: registered PENDING, then the stack from the registry row.
    await env.controlPlane.registry.createTenant(ID, { actor: "e2e" });
    const reservation = stacks.reserve(ID, "e2e provision");
    try {
      await stacks.provision(reservation, desiredStateFromRegistry(await env.controlPlane.registry.getTenant(ID)));
    } finally {
      reservation.release();
    }
    endpoints = (await outputs()).endpoints;
    // The commands enqueue; a worker on the same backend runs their operations.
    worker = await startWorkerProcess(PROJECT_ROOT, baseConfigPath, {
      ...process.env,
      FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      FROSTBYTE_STATE_DIR: stateDir,
      FROSTBYTE_DRIFT_SCHEDULE: "off",
    });
  });

  afterAll(async () => {
    await worker?.stop();
    if (stacks && (await stacks.workspace.stackNames().catch((): string[] => [])).includes(tenantStackName(ID))) {
      const stack = await stacks.createOrSelect(ID);
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the tenant is ACTIVE and its secrets file, decrypted with its own age key, holds the credentials that work", async () => {
    expect((await env.controlPlane.registry.getTenant(ID))).toMatchObject({ state: "ACTIVE", credentialRotation: "initial" });
    const ageKey = await tenantAgeKey();
    const { secrets, ciphertext } = await secretsFile(ageKey);
    generations.push({ ageKey, secrets, ciphertext });
    expect(secrets.tenant).toBe(ID);
    expect(credentialsOf(secrets)).toEqual((await outputs()).credentials);
    expect(await reach(env, credentialsOf(secrets), endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("frostbyte tenant resume of an ACTIVE tenant is refused in one line, and nothing changes", async () => {
    const before = await env.controlPlane.registry.listEvents(ID);
    expect(await frostbyte(["tenant", "resume", ID])).toEqual({ code: 1, stdout: "", stderr: `frostbyte: tenant "${ID}" is ACTIVE; resume needs SUSPENDED\n` });
    expect(await env.controlPlane.registry.listEvents(ID)).toEqual(before);
  });

  it("frostbyte tenant rotate: every credential and the age key are new, the old ones are refused, TENANT_CREDENTIALS_ROTATED is recorded", async () => {
    const eventsBefore = (await env.controlPlane.registry.listEvents(ID)).length;
    const sessions = await openLiveSessions(env, credentialsOf(generations[0]!.secrets), names.postgres.database, names.redis.keyPattern.slice(1, -1));
    const run = await frostbyte(["tenant", "rotate", ID]);
    expect(run.code, run.stderr).toBe(0);
    // Sessions opened with the old credentials are cut, not only new logins refused.
    expect(await sessions.stillWork()).toEqual({ redis: false, postgres: false });
    await sessions.close();
    expect(run.stdout.trim().split("\n").at(-1)).toMatch(new RegExp(`^tenant "${ID}": credentials rotated \\(initial -> r2\\): .*; ${names.secretsFile} re-encrypted; TENANT_CREDENTIALS_ROTATED [0-9a-f-]{36}$`));

    const old = generations[0]!;
    const ageKey = await tenantAgeKey();
    expect(ageKey).not.toBe(old.ageKey);
    const { secrets, ciphertext } = await secretsFile(ageKey);
    generations.push({ ageKey, secrets, ciphertext });
    expect(ciphertext).not.toBe(old.ciphertext);

    // Every credential changed, the Qdrant token too (it names the new rotation in its grant).
    expect(secrets.minio.accessKey).toBe(old.secrets.minio.accessKey);
    expect(secrets.minio.secretKey).not.toBe(old.secrets.minio.secretKey);
    expect(secrets.postgres.password).not.toBe(old.secrets.postgres.password);
    expect(secrets.redis.password).not.toBe(old.secrets.redis.password);
    expect(secrets.qdrant.token).not.toBe(old.secrets.qdrant.token);
    // The stack's outputs agree with the re-encrypted file.
    expect(credentialsOf(secrets)).toEqual((await outputs()).credentials);

    // The old credentials are refused by every store; the new ones work on every store.
    expect(await reach(env, credentialsOf(old.secrets), endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    expect(await reach(env, credentialsOf(secrets), endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
    expect(await minioUserStatus(env, names.minio.user)).toBe("enabled");

    // The file is encrypted to the new age key and the operators' key, and no longer to the old tenant key.
    await expect(sopsDecryptYaml(ciphertext, old.ageKey)).rejects.toThrow(/sops decrypt failed/);
    expect(parseYaml(await sopsDecryptYaml(ciphertext, env.operatorKey.privateKey))).toEqual(secrets);
    const { identityToRecipient } = await import("age-encryption");
    const tenant = await env.controlPlane.registry.getTenant(ID);
    expect(tenant).toMatchObject({ state: "ACTIVE", credentialRotation: "r2", agePublicKey: await identityToRecipient(ageKey) });

    // The audit chain: the new token (by the operator), the new age key, the verification with the
    // new credentials, then the rotation; no state change.
    const events = await env.controlPlane.registry.listEvents(ID);
    expect(events.slice(eventsBefore).map((e) => e.eventType)).toEqual(["TENANT_ROTATION_TOKEN_UPDATED", "TENANT_AGE_KEY_UPDATED", "TENANT_ISOLATION_VERIFIED", "TENANT_CREDENTIALS_ROTATED"]);
    expect(events[eventsBefore]?.actor).toMatch(/^cli:/);
    const rotated = events.at(-1)!;
    expect(rotated).toMatchObject({ actor: "pulumi", details: { previous_rotation: "initial", rotation: "r2", age_recipient: tenant.agePublicKey } });
    const details = JSON.stringify(rotated.details);
    for (const secret of [old.secrets.minio.secretKey, old.secrets.postgres.password, old.secrets.redis.password, secrets.minio.secretKey, secrets.postgres.password, secrets.redis.password, secrets.qdrant.token]) {
      expect(details).not.toContain(secret);
    }
    expect(details).not.toContain("AGE-SECRET-KEY");
    expect(await frostbyte(["audit", "verify", ID])).toMatchObject({ code: 0, stdout: expect.stringMatching(/is intact/) });
  });

  it("a later operation from the registry keeps the token: a preview changes nothing", async () => {
    const reservation = stacks.reserve(ID, "e2e preview");
    try {
      const outcome = await stacks.preview(reservation, desiredStateFromRegistry(await env.controlPlane.registry.getTenant(ID)));
      const changed = Object.entries(outcome.summary?.resourceChanges ?? {}).filter(([op, count]) => op !== "same" && count > 0);
      expect(changed).toEqual([]);
      expect(outcome.summary?.resourceChanges["same"]).toBeGreaterThan(20);
    } finally {
      reservation.release();
    }
  });

  it("frostbyte tenant suspend: every credential refused, the secrets file and the token unchanged", async () => {
    const run = await frostbyte(["tenant", "suspend", ID]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n").at(-1)).toBe(`tenant "${ID}" is SUSPENDED: MinIO user disabled, PostgreSQL role NOLOGIN, Redis user off, Qdrant token grant suspended, firewall closed; data kept`);
    const current = generations[1]!;
    expect(await env.controlPlane.registry.getTenant(ID)).toMatchObject({ state: "SUSPENDED", credentialRotation: "r2" });
    expect((await env.controlPlane.registry.listEvents(ID)).at(-1)?.eventType).toBe("TENANT_SUSPENDED");
    expect(await reach(env, credentialsOf(current.secrets), endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    expect(await minioUserStatus(env, names.minio.user)).toBe("disabled");
    expect((await secretsFile(current.ageKey)).ciphertext).toBe(current.ciphertext);
  });

  it("frostbyte tenant rotate of a SUSPENDED tenant is refused in one line before anything is touched", async () => {
    const before = await env.controlPlane.registry.getTenant(ID);
    expect(await frostbyte(["tenant", "rotate", ID])).toEqual({ code: 1, stdout: "", stderr: `frostbyte: tenant "${ID}" is SUSPENDED; rotate needs ACTIVE\n` });
    expect(await env.controlPlane.registry.getTenant(ID)).toEqual(before);
  });

  it("frostbyte tenant resume: the rotated credentials work again", async () => {
    const run = await frostbyte(["tenant", "resume", ID]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n").at(-1)).toBe(`tenant "${ID}" is ACTIVE: every credential works again`);
    expect(await env.controlPlane.registry.getTenant(ID)).toMatchObject({ state: "ACTIVE", credentialRotation: "r2" });
    expect((await env.controlPlane.registry.listEvents(ID)).at(-1)?.eventType).toBe("TENANT_RESUMED");
    expect(await reach(env, credentialsOf(generations[1]!.secrets), endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
  });

  it("the portal's deprovision of a SUSPENDED tenant (pulumi destroy, then the stack removed) succeeds and leaves nothing", async () => {
    expect((await frostbyte(["tenant", "suspend", ID])).code).toBe(0);
    expect((await env.controlPlane.registry.getTenant(ID)).state).toBe("SUSPENDED");
    expect(await minioUserStatus(env, names.minio.user)).toBe("disabled");

    const reservation = stacks.reserve(ID, "e2e deprovision");
    try {
      // Strict on purpose: no retry. Before the fix the attachment's detach was refused for the
      // disabled user, and the MinIO plugin's own force-destroy of the (non-empty) bucket raced with
      // itself (scripts/engine/providers/cmd/pulumi-resource-minio/bucketDelete.go).
      const outcome = await stacks.deprovision(reservation);
      expect(outcome).toMatchObject({ stackExisted: true, summary: { result: "succeeded" } });
    } finally {
      reservation.release();
    }

    const credentials = credentialsOf(generations[1]!.secrets);
    expect(await leftovers(env, ID, credentials)).toEqual({ database: false, role: false, bucket: false, minioUser: false, redisUser: false, redisKeys: false, collection: false, qdrantGrant: false });
    expect(await minioUserStatus(env, names.minio.user)).toBeUndefined();
    expect(await minioPolicyExists(env, names.minio.policy)).toBe(false);
    expect(env.hcloud.servers().filter((server) => server.name === names.hetzner.server)).toEqual([]);
    expect(await stacks.workspace.stackNames()).not.toContain(tenantStackName(ID));

    const tenant = await env.controlPlane.registry.getTenant(ID);
    expect(tenant.state).toBe("DEPROVISIONED");
    const events = (await env.controlPlane.registry.listEvents(ID)).map((e) => [e.eventType, e.details["from"] ?? null]);
    expect(events.slice(-2)).toEqual([
      ["TENANT_DEPROVISION_STARTED", "SUSPENDED"],
      ["TENANT_DEPROVISIONED", "DEPROVISIONING"],
    ]);
    expect((await env.controlPlane.registry.verifyChain(ID)).ok).toBe(true);
    expect(await frostbyte(["secrets", "show", ID])).toMatchObject({ code: 1, stderr: `frostbyte: tenant "${ID}" has no secrets file\n` });
  });
});
