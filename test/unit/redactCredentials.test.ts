/**
 * Redaction of every credential an operation knows: which strings of a secret are credentials, the
 * credentials a tenant's stack state holds, the operation's redaction that learns them as the run
 * goes on, and the isolation verification that blanks the tenant's own credentials when a store
 * echoes one (against a credential-echoing test double).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCollectionToken } from "../../components/qdrant/collectionOperations";
import { verifyRedacted } from "../../components/verification/isolationRuntime";
import { IsolationVerificationError, verifyIsolation, type IsolationCheckInput } from "../../components/verification/verifyIsolation";
import { credentialsIn, namesCredential, REDACTED, redactor } from "../../domain/redaction";
import { OperationRedaction } from "../../stacks/operationRedaction";
import { baseConfigSecrets, configValueCredentials } from "../../stacks/redact";
import { credentialsInDeployment } from "../../stacks/stateSecrets";
import { startCredentialEchoProxy, type CredentialEchoProxy } from "../doubles/credentialEchoProxy";
import { testBaseConfig } from "../stacks/support/baseConfig";

/** A value as `pulumi stack export --show-secrets` shows a secret. */
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(value) });

describe("which strings are credentials", () => {
  it("names credentials by key, but not identifiers that end in key", () => {
    for (const key of ["password", "adminPassword", "secretKey", "apiKey", "api_key", "token", "privateKey", "key", "MINIO_ROOT_PASSWORD", "credentials", "jwt", "apiKeys", "tokens"]) {
      expect(namesCredential(key), key).toBe(true);
    }
    for (const key of ["accessKey", "accessKeys", "publicKey", "keyPattern", "user", "host", "url", "endpoint", "minioUser", "tenantId", "address", "status"]) expect(namesCredential(key), key).toBe(false);
  });

  it("takes a whole secret string, a URL's password, credential-named leaves and environment entries, and nothing else", () => {
    expect(credentialsIn("generated-password-123")).toEqual(["generated-password-123"]);
    expect(credentialsIn("postgres://app:p%40ss@db:5432/x")).toEqual(["p%40ss", "p@ss"]);
    expect(credentialsIn("redis://127.0.0.1:6379")).toEqual([]);
    const check = {
      tenantId: "acme",
      postgres: { host: "127.0.0.1", port: 5432, sslmode: "disable", user: "tenant_acme_app", password: "pg-password-value" },
      minio: { endpoint: "127.0.0.1:9000", ssl: false, accessKey: "tenant-acme", secretKey: "minio-secret-value" },
      redis: { url: "redis://127.0.0.1:6379", user: "tenant-acme", password: "redis-password-value" },
      qdrant: { url: "http://127.0.0.1:6333", token: "qdrant-token-value" },
      envs: ["MINIO_ROOT_USER=root", "MINIO_ROOT_PASSWORD=root-password-value", "TZ=UTC"],
      apiKeys: ["first-api-key", "second-api-key"],
    };
    expect(credentialsIn(check).sort()).toEqual(
      ["pg-password-value", "minio-secret-value", "redis-password-value", "qdrant-token-value", "root-password-value", "first-api-key", "second-api-key"].sort(),
    );
  });

  it("replaces the longest secret first and strips every URL's user info", () => {
    const redact = redactor(["abcd", "abcdefgh", "abc"]);
    expect(redact("abcdefgh abcd abc postgres://u:pw@host/db")).toBe(`${REDACTED} ${REDACTED} abc postgres://host/db`);
  });

  it("reads a base config's secrets from the raw values pulumi config stores", () => {
    expect(configValueCredentials(JSON.stringify({ url: "http://q:6333", apiKey: "qdrant-admin-key" }))).toEqual(["qdrant-admin-key"]);
    expect(configValueCredentials("plain-secret")).toEqual(["plain-secret"]);
    expect(configValueCredentials("12345678")).toEqual(["12345678"]);
    const secrets = baseConfigSecrets(testBaseConfig("postgres://frostbyte:cp-s3cret@db.internal:5432/cp"), "the-passphrase");
    expect(secrets).toEqual(expect.arrayContaining(["cp-s3cret", "test-qdrant-admin-key", "test-redis-admin", "test-minio-admin", "the-passphrase"]));
    expect(secrets).not.toContain("db.internal");
  });
});

describe("credentials in a tenant stack's state", () => {
  const deployment = {
    manifest: { time: "2026-01-01T00:00:00Z" },
    secrets_providers: { type: "passphrase", state: { salt: "v1:salt" } },
    resources: [
      { urn: "urn:…:RandomPassword::pg", type: "random:index/randomPassword:RandomPassword", inputs: { length: 32 }, outputs: { length: 32, result: secret("pg-password-from-state") } },
      {
        urn: "urn:…:TenantAgeKey::age",
        type: "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey",
        inputs: { tenantId: "acme", __provider: secret("exports.handler = function () { /* provider code */ }") },
        outputs: { tenantId: "acme", publicKey: "age1public", privateKey: secret("AGE-SECRET-KEY-1STATE") },
      },
      {
        urn: "urn:…:TenantSecretsFile::file",
        type: "pulumi-nodejs:dynamic/frostbyte:TenantSecretsFile",
        inputs: { document: secret({ tenant: "acme", qdrant: { token: "qdrant-jwt-from-state" }, redis: { user: "tenant-acme", password: "redis-password-from-state" } }) },
        outputs: {},
      },
      { urn: "urn:…:Stack::s", type: "pulumi:pulumi:Stack", outputs: { tenantOutputs: secret({ acme: { endpoints: { api: "https://acme.example" }, credentials: { minio: { accessKey: "tenant-acme", secretKey: "minio-secret-from-state" } } } }) } },
      { urn: "urn:…:Bucket::b", type: "minio:index/s3Bucket:S3Bucket", outputs: { bucket: "tenant-acme", quota: secret(1024) } },
    ],
  };

  it("finds every generated credential, the age private key and the Qdrant token, and none of the names, hosts or provider code", () => {
    expect(credentialsInDeployment(deployment).sort()).toEqual(
      ["pg-password-from-state", "AGE-SECRET-KEY-1STATE", "qdrant-jwt-from-state", "redis-password-from-state", "minio-secret-from-state"].sort(),
    );
    expect(credentialsInDeployment({})).toEqual([]);
  });
});

describe("the redaction of one operation", () => {
  const event = (fields: Partial<EngineEvent>): EngineEvent => ({ sequence: 1, timestamp: 0, ...fields });
  const metadata = { op: "create" as const, urn: "urn:pulumi:s::p::t::n", type: "t", provider: "" };
  const diagnostic = (message: string) => event({ diagnosticEvent: { message, color: "never", severity: "error" } });

  it("reads the state at the first text, again only when a text follows a finished step, and keeps what it learnt", async () => {
    const states = [["first-credential"], ["second-credential"], ["third-credential"]];
    let reads = 0;
    const redaction = new OperationRedaction((text) => text.replace("base-secret", REDACTED), async () => states[reads++] ?? []);
    // Steps without text cost no read.
    await redaction.before(event({ resourcePreEvent: { metadata } }));
    await redaction.before(event({ resOutputsEvent: { metadata } }));
    expect(reads).toBe(0);
    expect(redaction.redact("base-secret first-credential")).toBe(`${REDACTED} first-credential`);

    await redaction.before(diagnostic("x"));
    expect(reads).toBe(1);
    expect(redaction.redact("base-secret first-credential second-credential")).toBe(`${REDACTED} ${REDACTED} second-credential`);
    // A text with no finished step since the read needs no new one.
    await redaction.before(diagnostic("y"));
    expect(reads).toBe(1);

    await redaction.before(event({ resOutputsEvent: { metadata } }));
    await redaction.before(diagnostic("z"));
    await redaction.before(diagnostic("z"));
    expect(reads).toBe(2);
    expect(redaction.redact("first-credential second-credential")).toBe(`${REDACTED} ${REDACTED}`);

    await redaction.before(event({ resOpFailedEvent: { metadata, status: 1, steps: 1 } }));
    await redaction.beforeError();
    expect(reads).toBe(3);
    expect(redaction.redact("third-credential")).toBe(REDACTED);
    await redaction.beforeError();
    expect(reads).toBe(3);
  });

  it("goes on with what it knows when a read fails, and tries again at the next text or the error", async () => {
    let fail = true;
    let reads = 0;
    const redaction = new OperationRedaction((text) => text, async () => {
      reads++;
      if (fail) throw new Error("stack export failed");
      return ["late-credential"];
    });
    await redaction.before(diagnostic("x"));
    expect(redaction.redact("late-credential")).toBe("late-credential");
    fail = false;
    await redaction.before(event({ policyEvent: { message: "m", color: "never", policyName: "p", policyPackName: "pp", policyPackVersion: "1", policyPackVersionTag: "1", enforcementLevel: "mandatory" } }));
    expect(redaction.redact("late-credential")).toBe(REDACTED);
    expect(reads).toBe(2);

    const failing = new OperationRedaction((text) => text, async () => {
      throw new Error("stack export failed");
    });
    await failing.beforeError();
    expect(failing.redact("late-credential")).toBe("late-credential");
  });
});

describe("the isolation verification when a store echoes the tenant's credential (credential-echoing proxy test double)", () => {
  let qdrant: CredentialEchoProxy;
  let input: IsolationCheckInput;

  beforeAll(async () => {
    qdrant = await startCredentialEchoProxy({ passes: () => false });
    const token = await mintCollectionToken("qdrant-admin-key-for-test", "acme", "tenant_acme", "initial");
    const closed = "127.0.0.1:1";
    input = {
      tenantId: "acme",
      postgres: { host: "127.0.0.1", port: 1, sslmode: "disable", user: "tenant_acme_app", password: "pg-password-for-echo-test" },
      minio: { endpoint: closed, ssl: false, accessKey: "tenant-acme", secretKey: "minio-secret-for-echo-test" },
      redis: { url: `redis://${closed}`, user: "tenant-acme", password: "redis-password-for-echo-test" },
      qdrant: { url: qdrant.url, token },
    };
  });

  afterAll(async () => {
    await qdrant?.close();
  });

  it("the echo reaches the raw probes' error (the leak this guards against)", async () => {
    const error = await verifyIsolation(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IsolationVerificationError);
    expect(qdrant.echoed()).toEqual([input.qdrant.token]);
    expect((error as Error).message).toContain(input.qdrant.token);
  });

  it("verifyRedacted blanks it, and every other credential of the check, in the error and its stack", async () => {
    const error = await verifyRedacted(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IsolationVerificationError);
    const { message, stack } = error as Error;
    const evidence = (error as IsolationVerificationError).results.map((result) => result.evidence).join("\n");
    expect(message).toMatch(/isolation verification failed on .*qdrant \(own namespace unreachable: own: Forbidden: credential \[redacted\] is not allowed here/);
    for (const credential of [input.qdrant.token, input.postgres.password, input.minio.secretKey, input.redis.password]) {
      for (const text of [message, stack ?? "", evidence]) expect(text).not.toContain(credential);
    }
  });
});
