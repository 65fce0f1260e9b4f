import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigValidationError, parseStackConfig } from "../../domain";

const stackFile = parse(readFileSync(join(__dirname, "../../Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };

/** What `pulumi config set --secret` would add to the example stack. */
const SECRETS: Record<string, unknown> = {
  "frostbyte:controlPlaneDbUrl": "postgres://frostbyte_runtime:x@cp.internal:5432/frostbyte",
  "hcloud:token": "h".repeat(64),
  "minio:minioPassword": "m",
  "postgresql:password": "p",
};

function reader(values: Record<string, unknown>) {
  return (key: string) => {
    const value = values[key];
    return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  };
}

describe("Pulumi.dev.yaml, the documented example stack", () => {
  it("holds no secret and is refused, naming each missing secret, until they are set", () => {
    const error = (() => {
      try {
        parseStackConfig(reader(stackFile.config));
      } catch (e) {
        return e as ConfigValidationError;
      }
      return undefined;
    })();
    expect(error?.problems.map((p) => p.path).sort()).toEqual(
      ["frostbyte:controlPlaneDbUrl", "frostbyte:qdrant.apiKey", "frostbyte:redis.adminPassword", "hcloud:token", "minio:minioPassword", "postgresql:password"].sort(),
    );
  });

  it("is a complete online stack with two tenants once the secrets are set", () => {
    const values = { ...stackFile.config, ...SECRETS };
    values["frostbyte:qdrant"] = { ...(values["frostbyte:qdrant"] as object), apiKey: "q" };
    values["frostbyte:redis"] = { ...(values["frostbyte:redis"] as object), adminPassword: "r" };
    const config = parseStackConfig(reader(values));
    expect(config.mode).toBe("online");
    expect(config.tenants.map((t) => t.id)).toEqual(["acme", "globex-eu"]);
    expect(config.tenants[1]?.config.retention_days).toBe(365);
  });
});
