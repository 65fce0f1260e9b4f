/**
 * The dynamic providers read the control-plane URL and the stores' admin settings with the program's
 * own stack-config schemas: the same defaults, and a bad value refused with the same message.
 */
import { describe, expect, it } from "vitest";
import {
  controlPlaneDbUrl,
  minioAdminSettings,
  postgresAdminSettings,
  qdrantAdminSettings,
  readStackConfigKeys,
  redisAdminSettings,
  type ProviderConfig,
} from "../../components/providerRuntime/adminSettings";
import { ConfigValidationError, parseStackConfig } from "../../domain";
import { sampleOfflineStackConfig, sampleStackConfig } from "../support/sampleStackConfig";

/** The config as the provider host hands it over: strings, objects as JSON text. */
function providerConfig(values: Record<string, unknown>): ProviderConfig & { read: (key: string) => string | undefined } {
  const read = (key: string) => {
    const value = values[key];
    return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  };
  return { get: read, read };
}

/** The message parseStackConfig gives for the problems of `key` alone in `values`. */
function programProblems(values: Record<string, unknown>, key: string): string[] {
  try {
    parseStackConfig(providerConfig(values).read);
  } catch (error) {
    return (error as ConfigValidationError).problems.filter((p) => p.path.startsWith(key)).map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe("the providers' stack-config reader", () => {
  it.each([
    ["online", sampleStackConfig()],
    ["online, no optional store keys", (() => {
      const values = sampleStackConfig();
      for (const key of ["postgresql:port", "postgresql:sslmode", "minio:minioSsl", "minio:minioRegion"]) delete values[key];
      return values;
    })()],
    ["offline, no postgresql:sslmode", (() => {
      const values = sampleOfflineStackConfig();
      delete values["postgresql:sslmode"];
      return values;
    })()],
  ])("reads what the program reads from the same config (%s)", (_name, values) => {
    const config = providerConfig(values);
    const program = parseStackConfig(config.read);
    expect(controlPlaneDbUrl(config)).toBe(program.controlPlaneDbUrl);
    expect(qdrantAdminSettings(config)).toEqual(program.qdrant);
    expect(redisAdminSettings(config)).toEqual(program.redis);
    expect(minioAdminSettings(config)).toEqual({
      endpoint: program.minio.server,
      accessKey: program.minio.user,
      secretKey: program.minio.password,
      ssl: program.minio.ssl,
      region: program.minio.region,
    });
    expect(postgresAdminSettings(config)).toEqual({
      host: program.postgres.host,
      port: program.postgres.port,
      user: program.postgres.username,
      password: program.postgres.password,
      database: "postgres",
      sslmode: program.postgres.sslmode,
    });
  });

  it.each([
    ["frostbyte:qdrant", { url: "ftp://127.0.0.1:6333", apiKey: "test-qdrant-admin-key" }],
    ["frostbyte:qdrant", { url: "http://127.0.0.1:6333" }],
    ["frostbyte:qdrant", { url: "http://127.0.0.1:6333", apiKey: "k", extra: 1 }],
    ["frostbyte:qdrant", "not json"],
    ["frostbyte:redis", { url: "http://127.0.0.1:6379", adminUser: "default", adminPassword: "" }],
    ["frostbyte:redis", ["redis://127.0.0.1:6379"]],
    ["frostbyte:controlPlaneDbUrl", "postgres://runtime:cp-secret-pw@127.0.0.1/cp?connect_timeout=soon"],
    ["postgresql:port", "70000"],
    ["minio:minioServer", "no port"],
  ])("refuses a bad %s with the program's own message", (key, value) => {
    const values = sampleStackConfig({ [key]: value });
    const expected = programProblems(values, key);
    expect(expected.length).toBeGreaterThan(0);
    const readers = { "frostbyte:qdrant": qdrantAdminSettings, "frostbyte:redis": redisAdminSettings, "frostbyte:controlPlaneDbUrl": controlPlaneDbUrl, "postgresql:port": postgresAdminSettings, "minio:minioServer": minioAdminSettings };
    const read = readers[key as keyof typeof readers];
    expect(() => read(providerConfig(values))).toThrow(ConfigValidationError);
    expect(() => read(providerConfig(values))).toThrow(expected.join("; "));
  });

  it("names every missing key at once and never quotes a secret", () => {
    const values = sampleStackConfig({ "frostbyte:redis": { url: "redis://127.0.0.1:6379", adminUser: "default", adminPassword: "test-redis-admin", port: 1 } });
    delete values["minio:minioUser"];
    delete values["minio:minioPassword"];
    expect(() => minioAdminSettings(providerConfig(values))).toThrow("minio:minioUser: is required but not set; minio:minioPassword: is required but not set");
    expect(() => redisAdminSettings(providerConfig(values))).toThrow("frostbyte:redis.port: unknown key");
    expect(() => redisAdminSettings(providerConfig(values))).not.toThrow(/test-redis-admin/);
  });

  it("fills a default only for an unset or empty key", () => {
    const config = providerConfig({ "minio:minioRegion": "", "minio:minioSsl": "true" });
    expect(readStackConfigKeys(config, ["minio:minioRegion", "minio:minioSsl"], { "minio:minioRegion": "us-east-1", "minio:minioSsl": false })).toEqual({
      "minio:minioRegion": "us-east-1",
      "minio:minioSsl": true,
    });
  });

  it("takes postgresql:database, a key of the postgresql provider the program never reads, as given", () => {
    expect(postgresAdminSettings(providerConfig(sampleStackConfig({ "postgresql:database": "maintenance" }))).database).toBe("maintenance");
  });
});
