import { execFileSync } from "node:child_process";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { startLocalEnvironment, localStackConfig, type LocalEnvironment } from "./support/localEnvironment";
import { localStack, PROJECT_ROOT, setStackConfig } from "./support/localStack";
import { leftovers, reach } from "./support/storeChecks";

type Outputs = Record<string, { endpoints: TenantEndpoints; credentials: TenantCredentials }>;

const ACME = { id: "acme", config: { network: { ssh_cidrs: ["198.51.100.0/24"] } } };
const GLOBEX = { id: "globex", config: { server: { type: "cx32", location: "nbg1" } } };

describe("the real engine, end to end (DESIGN §2, §3, §7)", () => {
  let env: LocalEnvironment;
  let stack: Stack;
  let stateDir: string;
  let outputs: Outputs;
  const log: string[] = [];
  const onOutput = (line: string) => void log.push(line);

  async function tenantOutputs(): Promise<Outputs> {
    const all = await stack.outputs();
    return all["tenantOutputs"]?.value as Outputs;
  }

  beforeAll(async () => {
    env = await startLocalEnvironment();
    ({ stack, stateDir } = await localStack(`e2e-${process.pid}`, localStackConfig(env, [ACME, GLOBEX])));
  });
  afterAll(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await env?.stop();
  });

  it("pulumi up creates both tenants; outputs hold endpoints and secret credentials", async () => {
    const result = await stack.up({ onOutput });
    expect(result.summary.result).toBe("succeeded");
    outputs = await tenantOutputs();
    expect(Object.keys(outputs).sort()).toEqual(["acme", "globex"]);
    expect(outputs["acme"]?.endpoints.postgres.database).toBe("tenant_acme");
    expect(outputs["acme"]?.endpoints.server?.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("leaves both tenants ACTIVE with a valid audit chain that records isolation", async () => {
    for (const id of ["acme", "globex"]) {
      const tenant = await env.controlPlane.registry.getTenant(id);
      expect(tenant.state).toBe("ACTIVE");
      expect(tenant.agePublicKey).toMatch(/^age1/);
      expect(tenant.endpoints).toMatchObject({ postgres: { database: `tenant_${id}` } });
      const events = (await env.controlPlane.registry.listEvents(id)).map((e) => e.eventType);
      expect(events).toEqual(["TENANT_CREATED", "TENANT_PROVISION_STARTED", "TENANT_AGE_KEY_UPDATED", "TENANT_ISOLATION_VERIFIED", "TENANT_PROVISIONED"]);
      expect((await env.controlPlane.registry.verifyChain(id)).ok).toBe(true);
    }
  });

  it("tenant A's credentials are refused on tenant B's database, bucket, keys and collection, and work on A's own", async () => {
    const acme = outputs["acme"]!;
    const globex = outputs["globex"]!;
    expect(await reach(env, acme.credentials, acme.endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
    expect(await reach(env, acme.credentials, globex.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
    expect(await reach(env, globex.credentials, acme.endpoints)).toEqual({ postgres: false, minio: false, redis: false, qdrant: false });
  });

  it("a preview right after reports no changes", async () => {
    const preview = await stack.preview({ onOutput });
    const changed = Object.entries(preview.changeSummary).filter(([op, count]) => op !== "same" && count > 0);
    expect(changed).toEqual([]);
  });

  it("a config change updates in place and records TENANT_CONFIG_UPDATED", async () => {
    const changed = { ...GLOBEX, config: { ...GLOBEX.config, quotas: { db_connections: 9 } } };
    await setStackConfig(stack, localStackConfig(env, [ACME, changed]));
    const result = await stack.up({ onOutput });
    expect(result.summary.resourceChanges?.["replace"] ?? 0).toBe(0);
    expect(result.summary.resourceChanges?.["update"]).toBeGreaterThan(0);
    const limit = await env.postgres.query<{ rolconnlimit: number }>("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'tenant_globex_app'");
    expect(limit.rows[0]?.rolconnlimit).toBe(9);
    const events = (await env.controlPlane.registry.listEvents("globex")).map((e) => e.eventType);
    expect(events).toContain("TENANT_CONFIG_UPDATED");
    expect((await env.controlPlane.registry.getTenant("globex")).state).toBe("ACTIVE");
  });

  it("the state export holds no plaintext credential", async () => {
    // The Automation API's exportStack decrypts secrets; `pulumi stack export` as an operator runs it does not.
    const exported = execFileSync("pulumi", ["stack", "export", "--stack", stack.name], { cwd: PROJECT_ROOT, env: { ...process.env, ...stack.workspace.envVars }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(exported).toContain('"ciphertext"');
    for (const tenant of Object.values(outputs)) {
      const { minio, postgres, redis, qdrant } = tenant.credentials;
      for (const secret of [minio.secretKey, postgres.password, redis.password, qdrant.token]) expect(exported).not.toContain(secret);
    }
    for (const adminSecret of [env.minio.rootPassword, env.redis.adminPassword, env.qdrantApiKey, env.hcloudToken]) expect(exported).not.toContain(adminSecret);
    expect(exported).not.toContain("AGE-SECRET-KEY-1");
  });

  it("a store that stops answering during up leaves the tenant FAILED, and a re-run converges", async () => {
    const initech = { id: "initech", config: {} };
    await setStackConfig(stack, localStackConfig(env, [ACME, GLOBEX, initech]));
    env.redis.freeze();
    try {
      await expect(stack.up({ onOutput })).rejects.toThrow();
    } finally {
      env.redis.thaw();
    }
    expect((await env.controlPlane.registry.getTenant("initech")).state).toBe("FAILED");
    const failed = (await env.controlPlane.registry.listEvents("initech")).find((e) => e.eventType === "TENANT_PROVISION_FAILED");
    expect(JSON.stringify(failed?.details)).toMatch(/RedisAclUser|Redis/);
    const rerun = await stack.up({ onOutput });
    expect(rerun.summary.result).toBe("succeeded");
    expect((await env.controlPlane.registry.getTenant("initech")).state).toBe("ACTIVE");
    outputs = await tenantOutputs();
  });

  it("pulumi destroy leaves nothing behind on the real stores and the registry DEPROVISIONED", async () => {
    // The buckets are not empty (the reach checks above wrote objects): MinioBucketObjects empties
    // them before their delete, so this also covers a tenant offboarded with data.
    const result = await stack.destroy({ onOutput });
    expect(result.summary.result).toBe("succeeded");
    for (const [id, tenant] of Object.entries(outputs)) {
      expect(await leftovers(env, id, tenant.credentials), id).toEqual({ database: false, role: false, bucket: false, minioUser: false, redisUser: false, redisKeys: false, collection: false, qdrantGrant: false });
      expect((await env.controlPlane.registry.getTenant(id)).state).toBe("DEPROVISIONED");
      expect((await env.controlPlane.registry.verifyChain(id)).ok).toBe(true);
    }
    expect(env.hcloud.servers()).toEqual([]);
    expect(stateDir).toBeTruthy();
  });
});
