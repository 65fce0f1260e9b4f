/**
 * The benchmark's baseline: the same store operations a tenant's `up`, no-op check and `destroy`
 * make, done directly with the clients in one process (no engine, no plugins, no program start):
 * registry rows and events, age key and SOPS file, Hetzner network/subnet/firewall/server, MinIO
 * bucket with versioning, PostgreSQL role and database, Qdrant collection, Redis ACL user. The
 * Redis and Qdrant calls are the dynamic providers' own operation functions.
 *
 * Not in the baseline: MinIO's IAM user, policy and attachment (MinIO's admin API encrypts request
 * bodies with madmin's scheme and no maintained JavaScript client speaks it) and the isolation
 * probes; so the baseline is a lower bound of the work the engine does.
 */
import { randomBytes } from "node:crypto";
import * as Minio from "minio";
import pg from "pg";
import { tenantNames } from "../domain";
import { redisAclRules } from "../components/redis/aclRules";
import { deleteAclUser, getAclUser, setAclUser } from "../components/redis/aclOperations";
import { createCollection, deleteCollection, getCollection } from "../components/qdrant/collectionOperations";
import { generateAgeKeyPair } from "../components/secrets/ageKeyRuntime";
import { deleteSecretsFile, sopsEncryptYaml, storeSecretsFile } from "../controlplane";
import type { LocalEnvironment } from "../test/e2e/support/localEnvironment";
import { HetznerDirect } from "./hetznerDirect";

const ACTOR = "bench-direct";

export interface DirectTenant {
  readonly tenantId: string;
  readonly hetzner: { network: number; firewall: number; server: number };
}

function minioClient(env: LocalEnvironment): Minio.Client {
  const [host, port] = env.minio.endpoint.split(":");
  return new Minio.Client({ endPoint: host ?? "127.0.0.1", port: Number(port), useSSL: false, accessKey: env.minio.rootUser, secretKey: env.minio.rootPassword });
}

async function withPostgres<T>(env: LocalEnvironment, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.postgres.superuserUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const redisSettings = (env: LocalEnvironment) => ({ url: env.redis.url, adminUser: env.redis.adminUser, adminPassword: env.redis.adminPassword });
const qdrantSettings = (env: LocalEnvironment) => ({ url: env.qdrant.url, apiKey: env.qdrantApiKey });

export async function provisionDirectly(env: LocalEnvironment, tenantId: string): Promise<DirectTenant> {
  const names = tenantNames(tenantId);
  const registry = env.controlPlane.registry;
  await registry.createTenant(tenantId, { actor: ACTOR, config: {} });
  await registry.transition(tenantId, "PROVISIONING", { actor: ACTOR });

  const age = await generateAgeKeyPair();
  await registry.setAgePublicKey(tenantId, age.publicKey, { actor: ACTOR });
  const passwords = { minio: randomBytes(30).toString("base64url"), postgres: randomBytes(24).toString("base64url"), redis: randomBytes(24).toString("base64url") };
  const plaintext = `minio:\n  secret_key: ${passwords.minio}\npostgres:\n  password: ${passwords.postgres}\nredis:\n  password: ${passwords.redis}\n`;
  const recipients = [age.publicKey, env.operatorKey.publicKey];
  await storeSecretsFile(env.controlPlane.pool, tenantId, await sopsEncryptYaml(plaintext, recipients, names.secretsFile), recipients);

  const hetzner = await new HetznerDirect(env.hcloud.url, env.hcloudToken).create(names.hetzner, { ...names.hetzner.labels }, "#cloud-config\n");

  const minio = minioClient(env);
  await minio.makeBucket(names.minio.bucket);
  await minio.setBucketVersioning(names.minio.bucket, { Status: "Enabled" });

  await withPostgres(env, async (client) => {
    await client.query(`CREATE ROLE ${names.postgres.role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE CONNECTION LIMIT 20 PASSWORD '${passwords.postgres}'`);
    await client.query(`CREATE DATABASE ${names.postgres.database} OWNER ${names.postgres.role}`);
    await client.query(`REVOKE ALL ON DATABASE ${names.postgres.database} FROM PUBLIC`);
  });

  await createCollection(qdrantSettings(env), { name: names.qdrant.collection, vectorSize: 768, distance: "Cosine" });
  await setAclUser(redisSettings(env), { username: names.redis.user, rules: redisAclRules(names, true), password: passwords.redis });

  const endpoints = { postgres: { host: "127.0.0.1", port: env.postgres.port, database: names.postgres.database } };
  await registry.transition(tenantId, "ACTIVE", { actor: ACTOR, endpoints });
  return { tenantId, hetzner };
}

/** Reads every object back, as a refresh would; throws when one is missing. */
export async function checkDirectly(env: LocalEnvironment, tenant: DirectTenant): Promise<void> {
  const names = tenantNames(tenant.tenantId);
  await env.controlPlane.registry.getTenant(tenant.tenantId);
  await new HetznerDirect(env.hcloud.url, env.hcloudToken).read(tenant.hetzner);
  if (!(await minioClient(env).bucketExists(names.minio.bucket))) throw new Error("bucket missing");
  const role = await withPostgres(env, (client) => client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [names.postgres.role]));
  if (role.rowCount !== 1) throw new Error("role missing");
  if ((await getCollection(qdrantSettings(env), names.qdrant.collection)) === undefined) throw new Error("collection missing");
  if ((await getAclUser(redisSettings(env), names.redis.user)) === undefined) throw new Error("ACL user missing");
}

export async function destroyDirectly(env: LocalEnvironment, tenant: DirectTenant): Promise<void> {
  const names = tenantNames(tenant.tenantId);
  const registry = env.controlPlane.registry;
  await registry.transition(tenant.tenantId, "DEPROVISIONING", { actor: ACTOR });
  await deleteAclUser(redisSettings(env), names.redis.user);
  await deleteCollection(qdrantSettings(env), names.qdrant.collection);
  await withPostgres(env, async (client) => {
    await client.query(`DROP DATABASE ${names.postgres.database}`);
    await client.query(`DROP ROLE ${names.postgres.role}`);
  });
  await minioClient(env).removeBucket(names.minio.bucket);
  await new HetznerDirect(env.hcloud.url, env.hcloudToken).remove(tenant.hetzner);
  await deleteSecretsFile(env.controlPlane.pool, tenant.tenantId);
  await registry.transition(tenant.tenantId, "DEPROVISIONED", { actor: ACTOR });
}
