/**
 * `frostbyte audit checkpoint` and `audit verify` on a real PostgreSQL and a real MinIO: what a
 * database superuser with the triggers off can do to the audit log and what the signed checkpoints
 * in the object-locked bucket still catch; and what object lock refuses to the store's root user.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program";
import { useControlPlaneDatabase } from "../support/controlPlaneFixture";
import { memoryIo } from "../support/memoryIo";
import { startMinio, type MinioServer } from "../support/minioServer";

const cp = useControlPlaneDatabase();
const actor = "test-operator";
const BUCKET = "audit-checkpoints-test";
let minio: MinioServer;
let s3: Client;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  minio = await startMinio();
  s3 = new Client({ endPoint: "127.0.0.1", port: minio.port, useSSL: false, accessKey: minio.rootUser, secretKey: minio.rootPassword, pathStyle: true });
  dir = await mkdtemp(join(tmpdir(), "frostbyte-audit-checkpoint-"));
  env = {
    FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT: `http://${minio.endpoint}`,
    FROSTBYTE_AUDIT_CHECKPOINT_ACCESS_KEY: minio.rootUser,
    FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY: minio.rootPassword,
    FROSTBYTE_AUDIT_CHECKPOINT_BUCKET: BUCKET,
    FROSTBYTE_AUDIT_CHECKPOINT_RETENTION_DAYS: "1",
    FROSTBYTE_AUDIT_SIGNING_KEY_FILE: join(dir, "signing.pem"),
    FROSTBYTE_AUDIT_VERIFY_KEY_FILE: join(dir, "verify.pem"),
  };
});

afterAll(async () => {
  await minio?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `frostbyte <args>` in-process as the runtime login with the checkpoint settings (`extra` overrides). */
async function frostbyte(args: string[], extra: Record<string, string | undefined> = {}) {
  const io = memoryIo({ FROSTBYTE_CONTROL_DB_URL: cp.db.runtimeUrl, ...env, ...extra });
  const code = await runCli(["node", "frostbyte", ...args], io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** A tenant with `extra` TENANT_ISOLATION_VERIFIED events after PENDING -> PROVISIONING -> ACTIVE. */
async function tenantWithEvents(tenantId: string, extra = 2): Promise<void> {
  await cp.registry.createTenant(tenantId, { actor });
  await cp.registry.transition(tenantId, "PROVISIONING", { actor });
  await cp.registry.transition(tenantId, "ACTIVE", { actor });
  for (let i = 0; i < extra; i += 1) await cp.registry.recordEvent(tenantId, { eventType: "TENANT_ISOLATION_VERIFIED", actor: "verifier", details: { round: i } });
}

/** Runs SQL as the superuser with every trigger of audit_events off (foreign keys included). */
async function asSuperuserWithoutTriggers(sql: string, values: unknown[] = []): Promise<void> {
  await cp.db.asSuperuser(async (client) => {
    await client.query("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    try {
      await client.query(sql, values);
    } finally {
      await client.query("ALTER TABLE audit_events ENABLE TRIGGER ALL");
      // 002 and 009 enable these three for replica sessions too; ENABLE TRIGGER ALL sets them back to origin only.
      await client.query(
        "ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only, ENABLE ALWAYS TRIGGER audit_events_no_truncate, ENABLE ALWAYS TRIGGER audit_events_append_only_statement",
      );
    }
  });
}

/** Recomputes prev_hash and hash of every event of the tenant, in order: a chain that verifies on its own. */
const REHASH_CHAIN = `DO $$
DECLARE
  r RECORD;
  prev TEXT;
BEGIN
  FOR r IN SELECT event_id, chain_seq FROM audit_events WHERE tenant_id = current_setting('frostbyte.tenant') ORDER BY chain_seq LOOP
    IF r.chain_seq > 1 THEN UPDATE audit_events SET prev_hash = prev WHERE event_id = r.event_id; END IF;
    UPDATE audit_events a SET hash = encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex') WHERE event_id = r.event_id RETURNING hash INTO prev;
  END LOOP;
END $$`;

async function rehash(tenantId: string, before: string): Promise<void> {
  await asSuperuserWithoutTriggers(`SELECT set_config('frostbyte.tenant', '${tenantId}', false); ${before}; ${REHASH_CHAIN}`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function checkpointName(tenantId: string): Promise<string> {
  const names: string[] = [];
  for await (const item of s3.listObjects(BUCKET, `checkpoints/${tenantId}/`, true) as AsyncIterable<{ name: string }>) names.push(item.name);
  const newest = names.sort().at(-1);
  if (newest === undefined) throw new Error(`no checkpoint of ${tenantId}`);
  return newest;
}

describe("audit keygen", () => {
  it("writes the key pair once, the private key with mode 0600", async () => {
    const args = ["audit", "keygen", "--private-key", env["FROSTBYTE_AUDIT_SIGNING_KEY_FILE"] ?? "", "--public-key", env["FROSTBYTE_AUDIT_VERIFY_KEY_FILE"] ?? ""];
    const first = await frostbyte(args);
    expect(first).toMatchObject({ code: 0, stderr: "", stdout: expect.stringMatching(/^wrote Ed25519 key ed25519:[0-9a-f]{32}: private key /) });
    expect((await stat(env["FROSTBYTE_AUDIT_SIGNING_KEY_FILE"] ?? "")).mode & 0o777).toBe(0o600);
    expect(await frostbyte(args)).toMatchObject({ code: 1, stderr: expect.stringMatching(/exists already; keygen never replaces a key\n$/) });
  });
});

describe("audit checkpoint and audit verify", () => {
  it("sign every tenant's head into a bucket under COMPLIANCE lock; verify matches it and counts newer events", async () => {
    await tenantWithEvents("acme");
    await tenantWithEvents("globex", 0);
    const run = await frostbyte(["audit", "checkpoint"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^tenant "acme": checkpoint checkpoints\/acme\/0000000005-\d{8}T\d{6}\.\d{3}Z\.json written \(chain position 5, hash [0-9a-f]{64}\), retained until \d{4}-/m);
    expect(run.stdout).toMatch(/^tenant "globex": checkpoint checkpoints\/globex\/0000000003-/m);
    expect(await s3.getObjectLockConfig(BUCKET)).toMatchObject({ objectLockEnabled: "Enabled", mode: "COMPLIANCE", unit: "Days", validity: 1 });

    expect(await frostbyte(["audit", "checkpoint", "acme"])).toMatchObject({ code: 0, stdout: 'tenant "acme": unchanged since its newest checkpoint (chain position 5)\n' });
    const verified = await frostbyte(["audit", "verify", "acme"]);
    expect(verified).toMatchObject({ code: 0, stderr: "" });
    expect(verified.stdout).toMatch(
      new RegExp(
        `^audit chain of tenant "acme" is intact: 5 event\\(s\\) verified\\nit matches checkpoint ${escape(await checkpointName("acme"))} \\(chain position 5, signed at \\S+ by ed25519:[0-9a-f]{32}\\); 0 newer event\\(s\\) are not covered by a checkpoint yet\\n$`,
      ),
    );
    await cp.registry.recordEvent("acme", { eventType: "TENANT_ISOLATION_VERIFIED", actor: "verifier" });
    expect((await frostbyte(["audit", "verify", "acme"])).stdout).toMatch(/; 1 newer event\(s\) are not covered by a checkpoint yet\n$/);
  });

  it("says so when a tenant has no checkpoint yet, and without a store checks only the chain, as before", async () => {
    await tenantWithEvents("newcomer", 0);
    expect(await frostbyte(["audit", "verify", "newcomer"])).toEqual({
      code: 0,
      stderr: "",
      stdout: `audit chain of tenant "newcomer" is intact: 3 event(s) verified\nno checkpoint of tenant "newcomer" in bucket ${BUCKET} at http://${minio.endpoint} yet: only the chain's own hashes were checked (frostbyte audit checkpoint takes one)\n`,
    });
    expect(await frostbyte(["audit", "verify", "newcomer"], { FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT: undefined })).toEqual({
      code: 0,
      stderr: "",
      stdout: 'audit chain of tenant "newcomer" is intact: 3 event(s) verified\n',
    });
  });

  it("refuses to write without a signing key or to a bucket without object lock", async () => {
    expect(await frostbyte(["audit", "checkpoint"], { FROSTBYTE_AUDIT_SIGNING_KEY_FILE: undefined })).toMatchObject({
      code: 1,
      stderr: "frostbyte: FROSTBYTE_AUDIT_SIGNING_KEY_FILE: is not set; point it at the Ed25519 private key that signs checkpoints (frostbyte audit keygen writes one)\n",
    });
    await s3.makeBucket("plain-bucket");
    const plain = await frostbyte(["audit", "checkpoint", "acme"], { FROSTBYTE_AUDIT_CHECKPOINT_BUCKET: "plain-bucket" });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/must have object lock with a default COMPLIANCE retention of at least 1 day\(s\), and has no default retention: checkpoints there could be rewritten/);
  });
});

describe("what a database superuser with the triggers off can do, and the checkpoint catches", () => {
  it("the newest events deleted: the chain still holds on its own, verify fails and names the checkpoint, and no new checkpoint blesses it", async () => {
    await tenantWithEvents("shortened", 3);
    expect((await frostbyte(["audit", "checkpoint", "shortened"])).code).toBe(0);
    const name = await checkpointName("shortened");
    await asSuperuserWithoutTriggers("DELETE FROM audit_events WHERE tenant_id = 'shortened' AND chain_seq > 4");
    expect(await cp.registry.verifyChain("shortened")).toEqual({ tenantId: "shortened", ok: true, checked: 4 });

    const verify = await frostbyte(["audit", "verify", "shortened"]);
    expect(verify).toMatchObject({ code: 1, stdout: "" });
    expect(verify.stderr).toMatch(
      new RegExp(`^frostbyte: audit chain of tenant "shortened" holds together on its own \\(4 event\\(s\\)\\) but fails its checkpoint: the chain has 4 event\\(s\\) but checkpoint ${escape(name)} \\(chain position 6, signed at [^)]+\\) covers 6: the newest events were removed\\n$`),
    );
    const again = await frostbyte(["audit", "checkpoint", "shortened"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`tenant "shortened": NOT checkpointed: the chain has 4 event(s) but checkpoint ${name}`);
    expect(again.stderr).toMatch(/frostbyte: 1 of 1 tenant\(s\) not checkpointed \(shortened\): their audit chains need investigating\n$/);
    expect(await checkpointName("shortened")).toBe(name);
  });

  it("an edit with every hash recomputed: the chain holds on its own, the checkpoint does not", async () => {
    await tenantWithEvents("rehashed");
    expect((await frostbyte(["audit", "checkpoint", "rehashed"])).code).toBe(0);
    const name = await checkpointName("rehashed");
    await rehash("rehashed", "UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = 'rehashed' AND chain_seq = 2");
    expect((await cp.registry.verifyChain("rehashed")).ok).toBe(true);
    const events = await cp.registry.listEvents("rehashed");
    expect(events[1]?.actor).toBe("mallory");

    const verify = await frostbyte(["audit", "verify", "rehashed"]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`fails its checkpoint: at chain position 5 the chain holds event ${events[4]?.eventId} with hash ${events[4]?.hash}, but checkpoint ${name}`);
  });

  it("an event inserted into the part a checkpoint covers, the chain relinked and rehashed: caught", async () => {
    await tenantWithEvents("inserted");
    expect((await frostbyte(["audit", "checkpoint", "inserted"])).code).toBe(0);
    const name = await checkpointName("inserted");
    const before = await cp.registry.listEvents("inserted");
    const [second, third] = [before[1], before[2]];
    const forged = "00000000-0000-4000-8000-00000000beef";
    await rehash(
      "inserted",
      `UPDATE audit_events SET chain_seq = chain_seq + 1000 WHERE tenant_id = 'inserted' AND chain_seq >= 3;
       UPDATE audit_events SET chain_seq = chain_seq - 999 WHERE tenant_id = 'inserted' AND chain_seq > 1000;
       UPDATE audit_events SET previous_event_id = '${forged}' WHERE event_id = '${third?.eventId}';
       INSERT INTO audit_events (event_id, tenant_id, chain_seq, event_type, occurred_at, actor, details, previous_event_id, prev_hash, hash)
       VALUES ('${forged}', 'inserted', 3, 'TENANT_SUSPENDED', '${second?.occurredAt}', 'mallory', '{}', '${second?.eventId}', '${second?.hash}', repeat('0', 64))`,
    );
    expect(await cp.registry.verifyChain("inserted")).toEqual({ tenantId: "inserted", ok: true, checked: 6 });
    expect((await cp.registry.listEvents("inserted")).map((e) => e.eventType)[2]).toBe("TENANT_SUSPENDED");

    const verify = await frostbyte(["audit", "verify", "inserted"]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`fails its checkpoint: at chain position 5 the chain holds event ${before[3]?.eventId}`);
    expect(verify.stderr).toContain(`but checkpoint ${name}`);
  });

  it("a checkpoint signed by a key verify does not trust is refused", async () => {
    await tenantWithEvents("untrusted", 0);
    expect((await frostbyte(["audit", "checkpoint", "untrusted"])).code).toBe(0);
    const otherDir = await mkdtemp(join(tmpdir(), "frostbyte-audit-other-"));
    try {
      const [otherPrivate, otherPublic] = [join(otherDir, "k.pem"), join(otherDir, "k.pub")];
      expect((await frostbyte(["audit", "keygen", "--private-key", otherPrivate, "--public-key", otherPublic])).code).toBe(0);
      const verify = await frostbyte(["audit", "verify", "untrusted"], { FROSTBYTE_AUDIT_VERIFY_KEY_FILE: otherPublic });
      expect(verify.code).toBe(1);
      expect(verify.stderr).toMatch(/fails its checkpoint: checkpoint checkpoints\/untrusted\/\S+ is signed by key ed25519:[0-9a-f]{32}, which is not among the verification keys/);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe("object lock keeps every checkpoint, from the store's root user too", () => {
  it("a checkpoint version can be neither overwritten, deleted, nor its retention shortened", async () => {
    await tenantWithEvents("locked", 0);
    expect((await frostbyte(["audit", "checkpoint", "locked"])).code).toBe(0);
    const name = await checkpointName("locked");
    const { versionId } = await s3.statObject(BUCKET, name);
    if (!versionId) throw new Error("the checkpoint has no version");
    const original = await s3.getObject(BUCKET, name, { versionId }).then(async (stream) => Buffer.concat(await stream.toArray()).toString("utf8"));

    await expect(s3.putObject(BUCKET, name, "forged", 6, { "If-None-Match": "*" })).rejects.toThrow(/PreconditionFailed|At least one of the pre-conditions/);
    await expect(s3.removeObject(BUCKET, name, { versionId })).rejects.toThrow(/WORM|Access Denied|protected/i);
    await expect(s3.removeObject(BUCKET, name, { versionId, governanceBypass: true })).rejects.toThrow(/WORM|Access Denied|protected/i);
    await expect(s3.putObjectRetention(BUCKET, name, { versionId, mode: "COMPLIANCE", retainUntilDate: new Date(Date.now() + 60_000).toISOString() })).rejects.toThrow();
    await expect(s3.putObjectRetention(BUCKET, name, { versionId, mode: "GOVERNANCE", retainUntilDate: new Date(Date.now() + 2 * 86_400_000).toISOString() })).rejects.toThrow();

    const kept = await s3.getObject(BUCKET, name, { versionId }).then(async (stream) => Buffer.concat(await stream.toArray()).toString("utf8"));
    expect(kept).toBe(original);
    expect(await s3.getObjectRetention(BUCKET, name, { versionId })).toMatchObject({ mode: "COMPLIANCE" });
    expect((await frostbyte(["audit", "verify", "locked"])).code).toBe(0);
  });

  it("what S3 still allows (a delete marker, a new version over the name) makes verify fail", async () => {
    await tenantWithEvents("hidden", 0);
    await tenantWithEvents("overwritten", 0);
    expect((await frostbyte(["audit", "checkpoint", "hidden", "overwritten"])).code).toBe(0);

    const hiddenName = await checkpointName("hidden");
    await s3.removeObject(BUCKET, hiddenName);
    const hidden = await frostbyte(["audit", "verify", "hidden"]);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(new RegExp(`fails its checkpoint: checkpoint ${escape(hiddenName)} in bucket ${BUCKET} at \\S+ was hidden by a delete marker \\(version \\S+\\): someone tried to remove it\\n$`));

    const overwrittenName = await checkpointName("overwritten");
    await s3.putObject(BUCKET, overwrittenName, "{}", 2);
    const overwritten = await frostbyte(["audit", "verify", "overwritten"]);
    expect(overwritten.code).toBe(1);
    expect(overwritten.stderr).toContain(`checkpoint ${overwrittenName} in bucket ${BUCKET} at http://${minio.endpoint} has 2 versions: something was written over it`);
  });
});
