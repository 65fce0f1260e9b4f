/** The stacks layer's pure parts: settings from the environment, configs, redaction, progress, locks. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { ConfigValidationError, parseTenantConfig } from "../../domain";
import {
  backendCredentials,
  backendUrlProblem,
  baseConfigFromValues,
  baseConfigRedactor,
  cliErrorLines,
  findProjectDir,
  loadBaseConfig,
  Mutex,
  progressFromEngineEvent,
  pulumiEnv,
  redactor,
  stackSettingsFromEnv,
  StackSettingsError,
  TenantBusyError,
  TenantLocks,
  tenantStackConfig,
  tenantStackName,
} from "../../stacks";
import { sampleStackConfig } from "../support/sampleStackConfig";
import { testBaseConfig } from "./support/baseConfig";

const ROOT = resolve(__dirname, "../..");

describe("stack settings from the environment", () => {
  it("defaults to a file backend under <project>/.pulumi-local/state and needs the passphrase", () => {
    expect(findProjectDir()).toBe(ROOT);
    expect(stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p" })).toEqual({
      workDir: ROOT,
      backendUrl: `file://${ROOT}/.pulumi-local/state`,
      stateDir: `${ROOT}/.pulumi-local/state`,
      passphrase: "p",
      backendEnv: {},
      timeBounds: { deadlineSeconds: 1800, cancelGraceSeconds: 30 },
    });
    expect(stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", FROSTBYTE_STATE_DIR: "/srv/stacks" })).toMatchObject({ backendUrl: "file:///srv/stacks", stateDir: "/srv/stacks" });
    const cloud = stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_BACKEND_URL: "s3://bucket/stacks", FROSTBYTE_STATE_DIR: "/ignored" });
    expect(cloud).toEqual({ workDir: ROOT, backendUrl: "s3://bucket/stacks", passphrase: "p", backendEnv: {}, timeBounds: { deadlineSeconds: 1800, cancelGraceSeconds: 30 } });
  });

  it("refuses to run without a passphrase or a Pulumi.yaml, saying what to do", () => {
    expect(() => stackSettingsFromEnv({})).toThrow(StackSettingsError);
    expect(() => stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "" })).toThrow(/^PULUMI_CONFIG_PASSPHRASE is not set; the tenant stacks encrypt their secrets with it/);
    expect(() => stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p" }, { workDir: tmpdir() })).toThrow(/has no Pulumi.yaml/);
  });

  it("takes the self-managed backends and refuses anything else, naming the variable", () => {
    for (const url of ["file:///srv/stacks", "postgres://pulumi@db.internal:5432/state?sslmode=require", "s3://bucket/stacks?endpoint=127.0.0.1:9000", "gs://bucket", "azblob://container"]) {
      expect(stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_BACKEND_URL: url }).backendUrl, url).toBe(url);
    }
    const refused = (url: string) => () => stackSettingsFromEnv({ PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_BACKEND_URL: url });
    expect(refused("postgresql://pulumi@db/state")).toThrow("PULUMI_BACKEND_URL: Pulumi's PostgreSQL backend is addressed as postgres://…, not postgresql://…");
    expect(refused("https://api.pulumi.com")).toThrow(/^PULUMI_BACKEND_URL: has scheme "https"; the tenant stacks use a self-managed backend/);
    expect(refused("not a url")).toThrow(/^PULUMI_BACKEND_URL: is not a URL/);
    expect(backendUrlProblem("postgres://user:secret@db/state")).toBeUndefined();
  });

  it("names stacks tenant-{id} and refuses a bad id", () => {
    expect(tenantStackName("globex-eu")).toBe("tenant-globex-eu");
    expect(() => tenantStackName("Globex")).toThrow(/tenant id "Globex": must match/);
  });
});

describe("base config and a tenant's stack config", () => {
  it("validates the base config with the program's own rules, every problem named by its key", () => {
    const values = sampleStackConfig();
    delete values["frostbyte:tenants"];
    delete values["minio:minioUser"];
    const error = (() => {
      try {
        baseConfigFromValues({ ...values, "frostbyte:tenants": [], "postgresql:sslmode": "sometimes", "not a key": 1 });
      } catch (caught) {
        return caught as ConfigValidationError;
      }
      throw new Error("no error");
    })();
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.problems.map((p) => p.path)).toEqual(["frostbyte:tenants", "not a key"]);
    delete values["frostbyte:tenants"];
    expect(() => baseConfigFromValues({ ...values, "postgresql:sslmode": "sometimes" })).toThrow(/minio:minioUser: is required but not set; postgresql:sslmode: /);
  });

  it("loads YAML, objects becoming JSON text as pulumi config stores them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frostbyte-base-"));
    try {
      const file = join(dir, "base.yaml");
      const values = sampleStackConfig();
      delete values["frostbyte:tenants"];
      await writeFile(file, Object.entries(values).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join("\n"));
      const base = await loadBaseConfig(file);
      expect(base.values["frostbyte:qdrant"]).toBe(JSON.stringify(values["frostbyte:qdrant"]));
      expect(base.values["postgresql:port"]).toBe("5432");
      await writeFile(file, "- a list\n");
      await expect(loadBaseConfig(file)).rejects.toThrow(/must be a map of namespace:key to value/);
      await expect(loadBaseConfig(join(dir, "missing.yaml"))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("holds exactly one tenant, marks the secret keys, and is refused when the program would refuse it", () => {
    const config = parseTenantConfig({ pii: { mode: "block" } });
    const map = tenantStackConfig(testBaseConfig(), "acme", { config, suspended: true });
    expect(JSON.parse(map["frostbyte:tenants"]?.value ?? "")).toEqual([{ id: "acme", config, suspended: true }]);
    expect(Object.entries(map).filter(([, v]) => v.secret).map(([k]) => k).sort()).toEqual(
      ["frostbyte:controlPlaneDbUrl", "frostbyte:qdrant", "frostbyte:redis", "hcloud:token", "minio:minioPassword", "postgresql:password"].sort(),
    );
    expect(() => tenantStackConfig(testBaseConfig(), "acme", { config: { ...config, retention_days: 0 }, suspended: false })).toThrow(
      /frostbyte:tenants\[0\]\.config\.retention_days/,
    );
  });
});

describe("redaction", () => {
  it("blanks the base config's secrets, URL passwords and user info, and the passphrase", () => {
    const redact = baseConfigRedactor(testBaseConfig("postgres://frostbyte:cp-s3cret@db.internal:5432/cp"), { passphrase: "the-passphrase", backendEnv: {} });
    const text = redact(
      "auth failed for test-minio-admin / test-redis-admin / test-qdrant-admin-key / the-passphrase; dial postgres://frostbyte:cp-s3cret@db.internal:5432/cp; token " +
        "a".repeat(64),
    );
    expect(text).toBe("auth failed for [redacted] / [redacted] / [redacted] / [redacted]; dial postgres://db.internal:5432/cp; token [redacted]");
    expect(redactor(["abc"])("abc stays: too short to redact")).toBe("abc stays: too short to redact");
  });
});

describe("the bucket backend's credentials", () => {
  const env = {
    PULUMI_CONFIG_PASSPHRASE: "p",
    PULUMI_BACKEND_URL: "s3://state?endpoint=http://127.0.0.1:9000&use_path_style=true",
    AWS_ACCESS_KEY_ID: "state-writer",
    AWS_SECRET_ACCESS_KEY: "aws-secret-value",
    AWS_SESSION_TOKEN: "aws-session-value",
    AWS_REGION: "us-east-1",
    AZURE_STORAGE_KEY: "azure-key-value",
    GOOGLE_CREDENTIALS: JSON.stringify({ type: "service_account", private_key: "google-private-value", client_email: "state@example.iam" }),
    OTHER_SECRET: "not-a-backend-value",
  };

  it("passes the bucket backend's variables to every pulumi command, and knows which of them are credentials", () => {
    const settings = stackSettingsFromEnv(env);
    const { OTHER_SECRET: _other, PULUMI_CONFIG_PASSPHRASE: _passphrase, PULUMI_BACKEND_URL: _url, ...bucketEnv } = env;
    expect(settings.backendEnv).toEqual(bucketEnv);
    expect(pulumiEnv(settings)).toMatchObject({ ...bucketEnv, PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL });
    expect(pulumiEnv(settings)).not.toHaveProperty("OTHER_SECRET");
    expect(backendCredentials(settings).sort()).toEqual(["aws-secret-value", "aws-session-value", "azure-key-value", env.GOOGLE_CREDENTIALS].sort());
  });

  it("blanks them, and a JSON credential's private key on its own, from every text the stacks layer lets out", () => {
    const redact = baseConfigRedactor(testBaseConfig(), stackSettingsFromEnv(env));
    expect(redact("SignatureDoesNotMatch for aws-secret-value / aws-session-value / azure-key-value / key google-private-value; user state-writer in us-east-1")).toBe(
      "SignatureDoesNotMatch for [redacted] / [redacted] / [redacted] / key [redacted]; user state-writer in us-east-1",
    );
  });
});

describe("progress from engine events", () => {
  const metadata = { op: "create" as const, urn: "urn:pulumi:tenant-acme::frostbyte::random:index/randomPassword:RandomPassword::pw", type: "random:index/randomPassword:RandomPassword", provider: "" };
  const event = (fields: Partial<EngineEvent>): EngineEvent => ({ sequence: 1, timestamp: 0, ...fields });

  it("maps resource steps, diagnostics and the summary, and drops what carries config or noise", () => {
    expect(progressFromEngineEvent(event({ resourcePreEvent: { metadata } }))).toEqual({ type: "resource-started", urn: metadata.urn, resourceType: metadata.type, op: "create" });
    expect(progressFromEngineEvent(event({ resOutputsEvent: { metadata } }))).toMatchObject({ type: "resource-finished" });
    expect(progressFromEngineEvent(event({ resOpFailedEvent: { metadata, status: 1, steps: 1 } }))).toMatchObject({ type: "resource-failed", op: "create" });
    expect(progressFromEngineEvent(event({ resourcePreEvent: { metadata: { ...metadata, op: "same" } } }))).toBeUndefined();
    const diagnostic = { message: "boom with s3cret-value\n", color: "never", severity: "error" as const, urn: metadata.urn };
    expect(progressFromEngineEvent(event({ diagnosticEvent: diagnostic }), (t) => t.replace("s3cret-value", "[redacted]"))).toEqual({
      type: "diagnostic",
      severity: "error",
      message: "boom with [redacted]",
      urn: metadata.urn,
    });
    expect(progressFromEngineEvent(event({ diagnosticEvent: { ...diagnostic, severity: "debug" as "info" } }))).toBeUndefined();
    expect(progressFromEngineEvent(event({ preludeEvent: { config: { "minio:minioPassword": "x" } } }))).toBeUndefined();
    const summaryEvent = { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { create: 2 }, policyPacks: {}, result: "failed" };
    expect(progressFromEngineEvent(event({ summaryEvent }))).toEqual({ type: "summary", result: "failed", resourceChanges: { create: 2 }, durationSeconds: 3 });
  });

  it("reads the CLI's own error lines out of an Automation API message", () => {
    expect(cliErrorLines("code: 255\n stdout: \n stderr: Updating\nerror: one\n error: two\nerror: one\n")).toBe("one; two");
    expect(cliErrorLines("\nsomething else\n")).toBe("something else");
  });
});

describe("locks", () => {
  it("the mutex runs one holder at a time, in order", async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const job = (name: string, ms: number) =>
      mutex.run(async () => {
        log.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}-`);
      });
    await Promise.all([job("a", 20), job("b", 1), job("c", 5)]);
    expect(log).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"]);
    await expect(mutex.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await mutex.run(async () => 42)).toBe(42);
  });

  it("a tenant's reservation refuses a second one until released; a stale release frees nothing", () => {
    const locks = new TenantLocks();
    const first = locks.reserve("acme", "provision 1");
    expect(() => locks.reserve("acme", "suspend 2")).toThrow(new TenantBusyError("acme", "provision 1"));
    const other = locks.reserve("globex", "x");
    first.release();
    const second = locks.reserve("acme", "suspend 2");
    first.release();
    expect(locks.holds(second)).toBe(true);
    expect(locks.holds(first)).toBe(false);
    expect(locks.isBusy("acme")).toBe(true);
    second.release();
    other.release();
    expect(locks.isBusy("acme") || locks.isBusy("globex")).toBe(false);
  });
});
