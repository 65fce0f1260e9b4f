/**
 * Opening the state backend once (stacks/stateBackend.ts), with the real CLI on a real PostgreSQL
 * and a real MinIO: an empty database gets Pulumi's state table before any engine runs, opening it
 * again changes nothing, a MinIO bucket opens with the S3 credentials of the environment, and a
 * backend that cannot be opened is a StackSettingsError without its password or secret key.
 */
import * as Minio from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfigRedactor, findProjectDir, openStateBackend, redactor, stackSettingsFromEnv, type StackSettings } from "../../stacks";
import { StackSettingsError } from "../../stacks/errors";
import { testBaseConfig } from "./support/baseConfig";
import { startMinio, type MinioServer } from "../support/minioServer";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let minio: MinioServer;

beforeAll(async () => {
  [server, minio] = await Promise.all([startPostgres({ trustedUsers: [] }), startMinio()]);
  await server.query("CREATE ROLE state_owner LOGIN PASSWORD 'state-owner-password'");
  await server.createDatabase("stacks_state", "state_owner");
  await new Minio.Client({ endPoint: "127.0.0.1", port: minio.port, useSSL: false, accessKey: minio.rootUser, secretKey: minio.rootPassword }).makeBucket("frostbyte-state");
});

afterAll(async () => {
  await Promise.all([server?.stop(), minio?.stop()]);
});

const settingsFor = (backendUrl: string, env: Record<string, string> = {}): StackSettings =>
  stackSettingsFromEnv({ ...env, PULUMI_BACKEND_URL: backendUrl, PULUMI_CONFIG_PASSPHRASE: "state-backend-test" }, { workDir: findProjectDir() });
const backendUrl = (password: string, database = "stacks_state") => `postgres://state_owner:${password}@${server.host}:${server.port}/${database}?sslmode=disable`;
const stateTables = async () => (await server.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", [], "stacks_state")).rows.map((row) => row.tablename);

describe("opening the state backend", () => {
  it("creates Pulumi's state table in an empty database, and opening it again is harmless", async () => {
    expect(await stateTables()).toEqual([]);
    const redact = redactor(["state-owner-password"]);
    await openStateBackend(settingsFor(backendUrl("state-owner-password")), redact);
    expect(await stateTables()).toEqual(["pulumi_state"]);
    await Promise.all([1, 2].map(() => openStateBackend(settingsFor(backendUrl("state-owner-password")), redact)));
    expect(await stateTables()).toEqual(["pulumi_state"]);
  });

  it("refuses a backend it cannot open, naming it without its password", async () => {
    const wrong = "not-the-state-password";
    const attempt = openStateBackend(settingsFor(backendUrl(wrong)), redactor([wrong]));
    await expect(attempt).rejects.toThrow(StackSettingsError);
    await expect(attempt).rejects.toThrow(new RegExp(`^the state backend postgres://.*${server.port}/stacks_state.* cannot be opened: .*password authentication failed`));
    await expect(attempt).rejects.not.toThrow(wrong);
  });
});

describe("opening an S3 backend on MinIO", () => {
  /** The URL form of the CLI's S3 client (AWS SDK v2) for a MinIO: plain HTTP endpoint, path-style buckets. */
  const bucketUrl = (bucket: string) => `s3://${bucket}?endpoint=http://127.0.0.1:${minio.port}&use_path_style=true&region=us-east-1`;
  // The SDK must never look for instance credentials (a request to 169.254.169.254): tests reach loopback only.
  const s3Env = (secretKey: string) => ({ AWS_ACCESS_KEY_ID: minio.rootUser, AWS_SECRET_ACCESS_KEY: secretKey, AWS_EC2_METADATA_DISABLED: "true" });
  const redactFor = (settings: StackSettings) => baseConfigRedactor(testBaseConfig(), settings);

  it("opens a bucket with the credentials of the environment, which are passed to the CLI", async () => {
    const settings = settingsFor(bucketUrl("frostbyte-state"), s3Env(minio.rootPassword));
    await openStateBackend(settings, redactFor(settings));
  });

  it("refuses a wrong secret key and a missing bucket, saying why, without the key", async () => {
    const wrong = settingsFor(bucketUrl("frostbyte-state"), s3Env("not-the-minio-secret-key"));
    const refused = openStateBackend(wrong, redactFor(wrong));
    await expect(refused).rejects.toThrow(StackSettingsError);
    await expect(refused).rejects.toThrow(/^the state backend s3:\/\/frostbyte-state\?.* cannot be opened: .*SignatureDoesNotMatch/);
    await expect(refused).rejects.not.toThrow("not-the-minio-secret-key");

    const missing = settingsFor(bucketUrl("no-such-state-bucket"), s3Env(minio.rootPassword));
    await expect(openStateBackend(missing, redactFor(missing))).rejects.toThrow(/^the state backend s3:\/\/no-such-state-bucket\?.* cannot be opened: .*NoSuchBucket/);
  });
});
