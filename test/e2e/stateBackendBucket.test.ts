/**
 * The stacks on S3-compatible storage: two `frostbyte worker` processes keep the tenant stacks in a
 * bucket of a MinIO of their own (`PULUMI_BACKEND_URL=s3://…`, the keys in `AWS_*`), with the real
 * engine and real stores. Both workers run provisions from the one bucket, the state there holds no
 * credential in plaintext, a tenant provisioned by one worker is deprovisioned by whichever takes
 * the job, and a worker whose S3 key is wrong refuses to start, says why without the key, and
 * registers nothing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Minio from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createToken } from "../../controlplane";
import { startMinio, type MinioServer } from "../support/minioServer";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT, tenantStackOutputs } from "./support/localStack";
import { frostbyte, portalClient, startPortal, type OperationView, type PortalProcess } from "./support/portalProcess";
import { leftovers, reach } from "./support/storeChecks";

const PASSPHRASE = "frostbyte-bucket-backend-e2e";
const STATE_BUCKET = "frostbyte-state";
const TENANTS = ["hooli", "wonka"];

describe("the tenant stacks in an S3 bucket (MinIO), shared by two workers", () => {
  let env: LocalEnvironment;
  let stateStore: MinioServer;
  let state: Minio.Client;
  let dir: string;
  let baseConfigFile: string;
  let admin: string;
  let processEnv: NodeJS.ProcessEnv;
  let deployment: PortalProcess;

  const backendUrl = () => `s3://${STATE_BUCKET}?endpoint=http://127.0.0.1:${stateStore.port}&use_path_style=true&region=us-east-1`;
  /** The S3 settings of the workers; the SDK must never ask for instance credentials (tests reach loopback only). */
  const s3Env = (secretKey: string) => ({ PULUMI_BACKEND_URL: backendUrl(), AWS_ACCESS_KEY_ID: stateStore.rootUser, AWS_SECRET_ACCESS_KEY: secretKey, AWS_EC2_METADATA_DISABLED: "true" });

  /** Waits for the operation's end on its stream; it must have succeeded. */
  async function succeeds(response: { status: number; json: unknown }): Promise<void> {
    expect(response.status, JSON.stringify(response.json)).toBe(202);
    const { end, raw } = await portalClient(deployment.url, admin).stream((response.json as OperationView).operationId);
    expect(end, raw.slice(-2_000)).toMatchObject({ state: "succeeded", error: null });
  }

  const call = (method: string, path: string, body?: unknown) => portalClient(deployment.url, admin).call(method, path, body);
  const stackOutputs = (tenantId: string) => tenantStackOutputs({ ...s3Env(stateStore.rootPassword), PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }, tenantId);

  /** Every object of the state bucket: its key and its text. */
  async function stateObjects(): Promise<{ key: string; text: string }[]> {
    const keys: string[] = [];
    for await (const item of state.listObjectsV2(STATE_BUCKET, "", true)) if (item.name) keys.push(item.name);
    return Promise.all(
      keys.map(async (key) => {
        const chunks: Buffer[] = [];
        for await (const chunk of await state.getObject(STATE_BUCKET, key)) chunks.push(chunk as Buffer);
        return { key, text: Buffer.concat(chunks).toString("utf8") };
      }),
    );
  }

  beforeAll(async () => {
    [env, stateStore] = await Promise.all([startLocalEnvironment(), startMinio()]);
    state = new Minio.Client({ endPoint: "127.0.0.1", port: stateStore.port, useSSL: false, accessKey: stateStore.rootUser, secretKey: stateStore.rootPassword, pathStyle: true });
    await state.makeBucket(STATE_BUCKET);
    dir = await mkdtemp(join(tmpdir(), "frostbyte-bucket-backend-e2e-"));
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    admin = (await createToken(env.controlPlane.pool, { kind: "admin" })).token;
    processEnv = {
      ...process.env,
      ...s3Env(stateStore.rootPassword),
      FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      // One job per worker at a time: two tenants at once need both workers.
      FROSTBYTE_WORKER_CONCURRENCY: "1",
      FROSTBYTE_DRIFT_SCHEDULE: "off",
    };
    deployment = await startPortal(baseConfigFile, processEnv, { workers: 2 });
  });

  afterAll(async () => {
    await deployment?.stop();
    await Promise.all([env?.stop(), stateStore?.stop()]);
    for (const id of TENANTS) await rm(join(PROJECT_ROOT, `Pulumi.tenant-${id}.yaml`), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("two tenants provisioned at once run on both workers, their stacks in the bucket, ACTIVE and reachable", async () => {
    await Promise.all(TENANTS.map(async (id) => succeeds(await call("POST", "/tenants", { id, config: {} }))));
    const ran = await env.controlPlane.pool.query<{ worker_id: string }>("SELECT DISTINCT worker_id FROM operations WHERE tenant_id = ANY($1)", [TENANTS]);
    expect(new Set(ran.rows.map((row) => row.worker_id))).toEqual(new Set(deployment.workers.map((worker) => worker.workerId)));
    const keys = (await stateObjects()).map((object) => object.key);
    for (const id of TENANTS) {
      expect((await env.controlPlane.registry.getTenant(id)).state).toBe("ACTIVE");
      expect(keys).toContain(`.pulumi/stacks/frostbyte/tenant-${id}.json`);
      const { credentials, endpoints } = await stackOutputs(id);
      expect(await reach(env, credentials, endpoints)).toEqual({ postgres: true, minio: true, redis: true, qdrant: true });
    }
    const registered = await env.controlPlane.pool.query<{ state_backend: string }>("SELECT DISTINCT state_backend FROM workers");
    expect(registered.rows).toEqual([{ state_backend: `s3://${STATE_BUCKET}?endpoint=http://127.0.0.1:${stateStore.port}` }]);
  });

  it("the bucket holds no credential in plaintext, and no worker printed the S3 secret key", async () => {
    const secrets = [PASSPHRASE, stateStore.rootPassword];
    for (const id of TENANTS) {
      const { credentials } = await stackOutputs(id);
      secrets.push(credentials.postgres.password, credentials.minio.secretKey, credentials.redis.password);
    }
    const objects = await stateObjects();
    expect(objects.length).toBeGreaterThan(TENANTS.length);
    for (const { key, text } of objects) for (const secret of secrets) expect(text.includes(secret), `${key} holds a secret`).toBe(false);
    expect(deployment.output()).not.toContain(stateStore.rootPassword);
  });

  it("a tenant is deprovisioned from the bucket's state by whichever worker takes the job, leaving nothing", async () => {
    const { credentials } = await stackOutputs("wonka");
    await succeeds(await call("DELETE", "/tenants/wonka"));
    expect((await env.controlPlane.registry.getTenant("wonka")).state).toBe("DEPROVISIONED");
    expect(await leftovers(env, "wonka", credentials)).toEqual({ database: false, role: false, bucket: false, minioUser: false, redisUser: false, redisKeys: false, collection: false, qdrantGrant: false });
  });

  it("a worker with a wrong S3 secret key refuses to start, says why without the key, and registers nothing", async () => {
    const before = (await env.controlPlane.pool.query("SELECT worker_id FROM workers")).rowCount;
    const wrongKey = "not-the-state-store-secret";
    const { code, stdout, stderr } = await frostbyte(["worker", "--base-config", baseConfigFile], { ...processEnv, AWS_SECRET_ACCESS_KEY: wrongKey });
    const output = stdout + stderr;
    expect(code).not.toBe(0);
    expect(output).toMatch(new RegExp(`the state backend s3://${STATE_BUCKET}\\?.* cannot be opened: .*SignatureDoesNotMatch`));
    expect(output).not.toContain(wrongKey);
    expect((await env.controlPlane.pool.query("SELECT worker_id FROM workers")).rowCount).toBe(before);
  });
});
