/**
 * The deployment fingerprint (stacks/deploymentFingerprint.ts) and the program build id
 * (stacks/programBuild.ts): every input that decides what `up` does changes the fingerprint, the
 * order of keys does not, and no secret of the base config can be read back from what it hashes.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../domain";
import type { TenantDesiredState } from "../../stacks";
import { deploymentFingerprint, fingerprintDocument, type FingerprintInputs } from "../../stacks/deploymentFingerprint";
import { programBuildId } from "../../stacks/programBuild";
import { testBaseConfig } from "../stacks/support/baseConfig";

const CONTROL_URL = "postgresql://frostbyte_app:control-secret@127.0.0.1:5432/frostbyte_control";
const base = testBaseConfig(CONTROL_URL);
const desired: TenantDesiredState = { config: parseTenantConfig({ quotas: { db_connections: 7 } }), suspended: false, rotation: "initial" };
const inputs: FingerprintInputs = { desired, base, programBuild: "a".repeat(64) };
const fingerprint = deploymentFingerprint(inputs);

/** The base config with `key` set to `value` (as a raw value, the way `pulumi config` stores it). */
const withBase = (key: string, value: string) => ({ ...inputs, base: { values: { ...base.values, [key]: value } } });

describe("deploymentFingerprint", () => {
  it("is a sha256 in hex, the same for the same inputs", () => {
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(deploymentFingerprint({ desired: { ...desired, config: parseTenantConfig({ quotas: { db_connections: 7 } }) }, base: { values: { ...base.values } }, programBuild: "a".repeat(64) })).toBe(fingerprint);
  });

  it("changes with the tenant's config, suspension and rotation token", () => {
    const changed = [
      { ...inputs, desired: { ...desired, config: parseTenantConfig({ quotas: { db_connections: 8 } }) } },
      { ...inputs, desired: { ...desired, suspended: true } },
      { ...inputs, desired: { ...desired, rotation: "r2" } },
    ].map(deploymentFingerprint);
    expect(new Set([fingerprint, ...changed]).size).toBe(4);
  });

  it("a missing rotation token is the program's default, `initial`", () => {
    const { rotation: _unused, ...withoutRotation } = desired;
    expect(deploymentFingerprint({ ...inputs, desired: withoutRotation })).toBe(fingerprint);
  });

  it("changes with any base config value, secret or not, and with a key added", () => {
    const changed = [
      withBase("minio:minioServer", "127.0.0.1:9999"),
      withBase("postgresql:password", "another-admin-password"),
      withBase("frostbyte:controlPlaneDbUrl", CONTROL_URL.replace("control-secret", "rotated-secret")),
      withBase("hcloud:endpoint", "http://127.0.0.1:2/v1"),
      withBase("hcloud:pollInterval", "5s"),
    ].map(deploymentFingerprint);
    expect(new Set([fingerprint, ...changed]).size).toBe(6);
  });

  it("changes with the program build", () => {
    expect(deploymentFingerprint({ ...inputs, programBuild: "b".repeat(64) })).not.toBe(fingerprint);
  });

  it("does not depend on the order of keys: in the tenant config, the base config, or a JSON value of it", () => {
    const reorderedConfig = Object.fromEntries(Object.entries(desired.config).reverse()) as typeof desired.config;
    const reorderedBase = Object.fromEntries(Object.entries(base.values).reverse());
    const redisKey = Object.keys(base.values).find((key) => base.values[key]?.startsWith("{"));
    expect(redisKey, "the test base config has an object value").toBeDefined();
    const object = JSON.parse(base.values[redisKey!]!) as Record<string, unknown>;
    reorderedBase[redisKey!] = JSON.stringify(Object.fromEntries(Object.entries(object).reverse()));
    expect(Object.keys(reorderedBase)).not.toEqual(Object.keys(base.values));
    expect(deploymentFingerprint({ desired: { rotation: "initial", suspended: false, config: reorderedConfig }, base: { values: reorderedBase }, programBuild: "a".repeat(64) })).toBe(fingerprint);
  });

  it("hashes no secret of the base config in the clear: only its sha256, while other values are there as they are", () => {
    const document = fingerprintDocument(inputs);
    for (const secret of ["control-secret", "test-qdrant-admin-key", "test-redis-admin", "test-minio-admin", "test-postgres-admin"]) expect(document).not.toContain(secret);
    expect(document).toContain(`"minio:minioServer":"127.0.0.1:1"`);
    expect(document).toMatch(/"postgresql:password":\{"sha256":"[0-9a-f]{64}"\}/);
  });
});

describe("programBuildId", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "frostbyte-build-id-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function project(name: string, files: Record<string, string>): Promise<string> {
    const root = join(dir, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, ".."), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  const program = { "Pulumi.yaml": "name: frostbyte\n", "package.json": '{"dependencies":{"@pulumi/pulumi":"3.0.0"}}', "bin/index.js": "main", "bin/components/a.js": "a", "bin/index.js.map": "map" };

  it("is the same for the same compiled files wherever they are, and ignores source maps", async () => {
    const first = await programBuildId(await project("one", program));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await programBuildId(await project("two", { ...program, "bin/index.js.map": "another map" }))).toBe(first);
  });

  it("changes with any compiled file, a file added, the policy pack's manifest, or package.json", async () => {
    const ids = await Promise.all([
      programBuildId(await project("base", program)),
      programBuildId(await project("file", { ...program, "bin/components/a.js": "a2" })),
      programBuildId(await project("added", { ...program, "bin/components/b.js": "b" })),
      programBuildId(await project("policy", { ...program, "policy/PulumiPolicy.yaml": "runtime: nodejs\n" })),
      programBuildId(await project("deps", { ...program, "package.json": '{"dependencies":{"@pulumi/pulumi":"3.0.1"}}' })),
    ]);
    expect(new Set(ids).size).toBe(5);
  });

  it("refuses a project that was not built, saying what to run", async () => {
    await expect(programBuildId(await project("unbuilt", { "Pulumi.yaml": "name: frostbyte\n" }))).rejects.toThrow(/bin\/index\.js is missing: run `npm run build` first/);
  });
});
