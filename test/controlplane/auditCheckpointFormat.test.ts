/**
 * Checkpoint payloads, signatures, names, key files and settings, without any server: what
 * `audit verify` refuses before it compares a chain with a checkpoint.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../controlplane";
import {
  assertNameMatches,
  checkpointObjectName,
  checkpointPayload,
  checkpointStoreSettings,
  compareWithCheckpoint,
  keyIdOf,
  loadSigningKey,
  loadVerifyKeys,
  openCheckpoint,
  signCheckpoint,
  writeNewKeyPair,
  type ChainHead,
} from "../../controlplane/auditCheckpoint";

const signer = generateKeyPairSync("ed25519");
const keyId = keyIdOf(signer.publicKey);
const keys = new Map([[keyId, signer.publicKey]]);
const hash = (n: number) => n.toString(16).padStart(64, "0");
const eventId = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

function chain(length: number): AuditEvent[] {
  return Array.from({ length }, (_, index) => ({
    eventId: eventId(index + 1),
    tenantId: "acme",
    chainSeq: index + 1,
    eventType: index === 0 ? "TENANT_CREATED" : "TENANT_ISOLATION_VERIFIED",
    occurredAt: "2025-01-31T09:05:03.040500Z",
    actor: "x",
    resourceType: null,
    resourceId: null,
    details: {},
    previousEventId: index === 0 ? null : eventId(index),
    prevHash: index === 0 ? null : hash(index),
    hash: hash(index + 1),
  }));
}

const head: ChainHead = { tenantId: "acme", chainSeq: 3, eventId: eventId(3), hash: hash(3), occurredAt: "2025-01-31T09:05:03.040500Z" };
const payload = checkpointPayload(head, new Date("2025-02-01T10:00:00.000Z"), keyId);
const name = checkpointObjectName(payload);

describe("a signed checkpoint", () => {
  it("opens with the signing key's public half and names itself by position and time", () => {
    expect(name).toBe("checkpoints/acme/0000000003-20250201T100000.000Z.json");
    expect(openCheckpoint(signCheckpoint(payload, signer.privateKey), keys, name)).toEqual(payload);
  });

  it("is refused when its payload was edited, its signature replaced, or its key is not trusted", () => {
    const body = JSON.parse(signCheckpoint(payload, signer.privateKey)) as { payload: string; signature: string };
    const edited = JSON.stringify({ ...body, payload: body.payload.replace('"chain_seq":3', '"chain_seq":2') });
    expect(() => openCheckpoint(edited, keys, name)).toThrow(`checkpoint ${name} has a signature that key ${keyId} does not verify: the checkpoint was altered or forged`);

    const other = generateKeyPairSync("ed25519");
    const forged = JSON.stringify({ ...body, signature: JSON.parse(signCheckpoint(payload, other.privateKey)).signature });
    expect(() => openCheckpoint(forged, keys, name)).toThrow(/does not verify/);

    const foreign = signCheckpoint(checkpointPayload(head, new Date(), keyIdOf(other.publicKey)), other.privateKey);
    expect(() => openCheckpoint(foreign, keys, name)).toThrow(`is signed by key ${keyIdOf(other.publicKey)}, which is not among the verification keys (${keyId})`);
    expect(() => openCheckpoint("{}", keys, name)).toThrow(/is not a frostbyte-audit-checkpoint-v1 checkpoint/);
  });

  it("is refused under a name that is not its own (an older checkpoint copied over a newer name)", () => {
    expect(() => assertNameMatches(name, payload)).not.toThrow();
    expect(() => assertNameMatches("checkpoints/acme/0000000009-20260101T000000.000Z.json", payload)).toThrow(/it was copied under another name/);
  });
});

describe("a chain against a checkpoint", () => {
  it("matches when the signed head is in place, counting the newer events", () => {
    expect(compareWithCheckpoint("acme", chain(3), name, payload)).toEqual({ ok: true, uncovered: 0 });
    expect(compareWithCheckpoint("acme", chain(5), name, payload)).toEqual({ ok: true, uncovered: 2 });
  });

  it("fails when the chain is shorter than the checkpoint, naming the checkpoint", () => {
    const result = compareWithCheckpoint("acme", chain(2), name, payload);
    expect(result).toEqual({ ok: false, reason: `the chain has 2 event(s) but checkpoint ${name} (chain position 3, signed at 2025-02-01T10:00:00.000Z by ${keyId}) covers 3: the newest events were removed` });
  });

  it("fails when another event or another hash sits at the signed position", () => {
    const rehashed = chain(4).map((event) => (event.chainSeq === 3 ? { ...event, hash: hash(99) } : event));
    expect(compareWithCheckpoint("acme", rehashed, name, payload)).toMatchObject({ ok: false, reason: expect.stringContaining(`at chain position 3 the chain holds event ${eventId(3)} with hash ${hash(99)}`) });
    const shifted = chain(4).map((event) => (event.chainSeq === 3 ? { ...event, eventId: eventId(77) } : event));
    expect(compareWithCheckpoint("acme", shifted, name, payload)).toMatchObject({ ok: false, reason: expect.stringContaining("were rewritten, removed or inserted") });
    expect(compareWithCheckpoint("globex", chain(3), name, payload)).toMatchObject({ ok: false, reason: expect.stringContaining('is the checkpoint of tenant "acme", not of "globex"') });
  });
});

describe("key files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "frostbyte-audit-keys-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keygen writes a 0600 private key and its public key, and never replaces either", async () => {
    const [privatePath, publicPath] = [join(dir, "signing.pem"), join(dir, "verify.pem")];
    const id = await writeNewKeyPair(privatePath, publicPath);
    expect((await stat(privatePath)).mode & 0o777).toBe(0o600);
    const loaded = await loadSigningKey(privatePath);
    expect(loaded.keyId).toBe(id);
    expect([...(await loadVerifyKeys(publicPath)).keys()]).toEqual([id]);
    const before = await readFile(privatePath, "utf8");
    await expect(writeNewKeyPair(privatePath, join(dir, "other.pem"))).rejects.toThrow(`audit key file ${privatePath}: exists already; keygen never replaces a key`);
    await expect(writeNewKeyPair(join(dir, "other.pem"), publicPath)).rejects.toThrow(/exists already/);
    expect(await readFile(privatePath, "utf8")).toBe(before);
  });

  it("refuses a signing key others may read, a key that is not Ed25519, and a file without a public key", async () => {
    const open = join(dir, "open.pem");
    await writeFile(open, signer.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o644 });
    await chmod(open, 0o644);
    await expect(loadSigningKey(open)).rejects.toThrow(`audit key file ${open}: is readable or writable by group or others (mode 0644); chmod 600 it`);
    const rsa = join(dir, "rsa.pem");
    await writeFile(rsa, generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
    await expect(loadSigningKey(rsa)).rejects.toThrow("holds a rsa key; checkpoints are signed with Ed25519");
    const empty = join(dir, "empty.pem");
    await writeFile(empty, "nothing here\n");
    await expect(loadVerifyKeys(empty)).rejects.toThrow("holds no PEM public key");
    await expect(loadSigningKey(join(dir, "missing.pem"))).rejects.toThrow("cannot be read (ENOENT)");
  });

  it("trusts several public keys at once, each by its id", async () => {
    const second = generateKeyPairSync("ed25519");
    const path = join(dir, "trusted.pem");
    await writeFile(path, [signer.publicKey, second.publicKey].map((key) => key.export({ type: "spki", format: "pem" }).toString()).join(""));
    expect([...(await loadVerifyKeys(path)).keys()].sort()).toEqual([keyId, keyIdOf(second.publicKey)].sort());
  });
});

describe("checkpoint settings", () => {
  const base = { FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT: "https://minio.internal:9443", FROSTBYTE_AUDIT_CHECKPOINT_ACCESS_KEY: "ak", FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY: "sk" };

  it("are off without an endpoint and take their defaults", () => {
    expect(checkpointStoreSettings({})).toBeUndefined();
    expect(checkpointStoreSettings(base)).toEqual({
      endPoint: "minio.internal",
      port: 9443,
      useSSL: true,
      accessKey: "ak",
      secretKey: "sk",
      bucket: "frostbyte-audit-checkpoints",
      region: "us-east-1",
      retentionDays: 365,
      timeoutMs: 15_000,
    });
  });

  it("name the variable that is wrong", () => {
    expect(() => checkpointStoreSettings({ ...base, FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY: "" })).toThrow("FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY: is not set; it is required when FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT is");
    expect(() => checkpointStoreSettings({ ...base, FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT: "https://ak:sk@minio.internal" })).toThrow(/no credentials and no path/);
    expect(() => checkpointStoreSettings({ ...base, FROSTBYTE_AUDIT_CHECKPOINT_RETENTION_DAYS: "0" })).toThrow('FROSTBYTE_AUDIT_CHECKPOINT_RETENTION_DAYS: must be a whole number from 1 to 36500, not "0"');
  });
});
