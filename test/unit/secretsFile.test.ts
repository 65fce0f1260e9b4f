import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../cli/program";
import { renderSecretsDocument } from "../../components/secrets/secretsDocument";
import { generateAgeKeyPair } from "../../components/secrets/ageKeyRuntime";
import { removeSecretsFile, writeSecretsFile } from "../../components/secrets/secretsFileRuntime";
import { getSecretsFile, sopsDecryptYaml } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { memoryIo } from "../support/memoryIo";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

function requireSops(): void {
  try {
    execFileSync("sops", ["--version"], { env: { ...process.env, SOPS_DISABLE_VERSION_CHECK: "1" }, stdio: "ignore" });
  } catch {
    throw new Error("sops is not on PATH: run `source \"$(bash scripts/setup-engine.sh)\"` first (it builds sops from the Go module proxy)");
  }
}

describe("the tenant's SOPS secrets file, with the real sops binary and a real PostgreSQL", () => {
  let server: PostgresServer;
  let db: ControlPlaneDatabase;
  let tenantKey: { publicKey: string; privateKey: string };
  let operatorKey: { publicKey: string; privateKey: string };
  const document = {
    tenant: "acme",
    minio: { accessKey: "tenant-acme", secretKey: "minio-secret-value-1234" },
    postgres: { user: "tenant_acme_app", password: "pg-password-value-5678" },
    redis: { user: "tenant-acme", password: "redis-password-value-9012" },
    qdrant: { token: "eyJhbGciOiJIUzI1NiJ9.qdrant-token" },
  };

  beforeAll(async () => {
    requireSops();
    server = await startPostgres();
    db = await createControlPlaneDatabase(server);
    await db.registry.createTenant("acme", { actor: "test" });
    [tenantKey, operatorKey] = await Promise.all([generateAgeKeyPair(), generateAgeKeyPair()]);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  const env = () => ({ FROSTBYTE_CONTROL_DB_URL: db.runtimeUrl });

  it("encrypts to the tenant's and the operators' keys and stores only ciphertext", async () => {
    const io = memoryIo(env(), renderSecretsDocument(document));
    const code = await runCli(["node", "frostbyte", "secrets", "write", "acme", "--recipient", tenantKey.publicKey, "--recipient", operatorKey.publicKey], io);
    expect(io.err.join("")).toBe("");
    expect(code).toBe(0);
    expect(io.out.join("")).toMatch(/^secrets\/acme\.enc\.yaml sha256:[0-9a-f]{64}\n$/);
    const stored = await getSecretsFile(db.pool, "acme");
    expect(stored?.path).toBe("secrets/acme.enc.yaml");
    expect(stored?.recipients).toEqual([tenantKey.publicKey, operatorKey.publicKey]);
    for (const secret of ["minio-secret-value-1234", "pg-password-value-5678", "redis-password-value-9012", "qdrant-token"]) {
      expect(stored?.ciphertext).not.toContain(secret);
      expect(io.out.join("")).not.toContain(secret);
    }
  });

  it("decrypts with the tenant's key, and with an operator's key, to the live credentials", async () => {
    const stored = await getSecretsFile(db.pool, "acme");
    expect(parse(await sopsDecryptYaml(stored!.ciphertext, tenantKey.privateKey))).toEqual(document);
    expect(parse(await sopsDecryptYaml(stored!.ciphertext, operatorKey.privateKey))).toEqual(document);
    const stranger = await generateAgeKeyPair();
    await expect(sopsDecryptYaml(stored!.ciphertext, stranger.privateKey)).rejects.toThrow(/sops decrypt failed/);
  });

  it("prints the stored file for `sops -d` and deletes it", async () => {
    const show = memoryIo(env());
    expect(await runCli(["node", "frostbyte", "secrets", "show", "acme"], show)).toBe(0);
    expect(show.out.join("")).toContain("sops:");
    const del = memoryIo(env());
    expect(await runCli(["node", "frostbyte", "secrets", "delete", "acme"], del)).toBe(0);
    expect(await getSecretsFile(db.pool, "acme")).toBeUndefined();
  });

  it("the stack's secrets-file resource writes, rewrites and removes the file the same way", async () => {
    const first = await writeSecretsFile(db.runtimeUrl, "acme", renderSecretsDocument(document), [tenantKey.publicKey]);
    const rotated = { ...document, redis: { ...document.redis, password: "rotated-redis-password" } };
    const second = await writeSecretsFile(db.runtimeUrl, "acme", renderSecretsDocument(rotated), [tenantKey.publicKey, operatorKey.publicKey]);
    expect(second).not.toBe(first);
    const stored = await getSecretsFile(db.pool, "acme");
    expect(stored?.sha256).toBe(second);
    expect(parse(await sopsDecryptYaml(stored!.ciphertext, operatorKey.privateKey))).toEqual(rotated);
    await removeSecretsFile(db.runtimeUrl, "acme");
    expect(await getSecretsFile(db.pool, "acme")).toBeUndefined();
  });

  it("refuses a bad recipient and empty input with one clear line", async () => {
    const bad = memoryIo(env(), "a: 1\n");
    expect(await runCli(["node", "frostbyte", "secrets", "write", "acme", "--recipient", "ssh-ed25519 AAAA"], bad)).toBe(1);
    expect(bad.err.join("")).toMatch(/--recipient "ssh-ed25519 AAAA": must be an age X25519 public key/);
    const empty = memoryIo(env(), "");
    expect(await runCli(["node", "frostbyte", "secrets", "write", "acme", "--recipient", tenantKey.publicKey], empty)).toBe(1);
    expect(empty.err.join("")).toMatch(/standard input is empty/);
  });
});
