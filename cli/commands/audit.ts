/**
 * `frostbyte audit verify <id>`: recomputes a tenant's audit hash chain and, when a checkpoint store
 * is configured, checks it against the tenant's newest signed checkpoint; exit 1 on the first bad
 * event or a mismatch. `frostbyte audit checkpoint [id...]`: signs each tenant's chain head into the
 * object-locked bucket. `frostbyte audit keygen`: a new Ed25519 key pair for checkpoints.
 */
import type { Command } from "commander";
import { TenantRegistry } from "../../controlplane";
import {
  CHECKPOINT_ENV,
  checkpointStoreSettings,
  CheckpointStore,
  checkpointTenants,
  loadSigningKey,
  loadVerifyKeys,
  signingKeyFile,
  verifyKeySource,
  verifyTenantAudit,
  writeNewKeyPair,
  type CheckpointVerifier,
  type TenantCheckpointResult,
} from "../../controlplane/auditCheckpoint";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";

/** The store and trusted keys of `audit verify`, or undefined when no checkpoint store is configured. */
async function checkpointVerifier(io: CliIo): Promise<CheckpointVerifier | undefined> {
  const settings = checkpointStoreSettings(io.env);
  if (settings === undefined) return undefined;
  const source = verifyKeySource(io.env);
  const keys = source.kind === "public" ? await loadVerifyKeys(source.path) : await loadSigningKey(source.path).then((key) => new Map([[key.keyId, key.publicKey]]));
  return { store: new CheckpointStore(settings), keys };
}

export async function auditVerify(io: CliIo, tenantId: string): Promise<void> {
  const verifier = await checkpointVerifier(io);
  const result = await withPool(io, (pool) => verifyTenantAudit(pool, tenantId, verifier));
  const { chain, checkpoint } = result;
  if (!chain.ok) {
    const bad = chain.firstBad;
    const where = bad?.eventId ? `event ${bad.eventId} (chain position ${bad.chainSeq})` : `chain position ${bad?.chainSeq ?? 1}`;
    throw new CliError(`audit chain of tenant "${tenantId}" is broken at ${where}: ${bad?.reason ?? "unknown reason"}`);
  }
  if (checkpoint.status === "mismatch") {
    throw new CliError(`audit chain of tenant "${tenantId}" holds together on its own (${chain.checked} event(s)) but fails its checkpoint: ${checkpoint.reason}`);
  }
  io.stdout(`audit chain of tenant "${tenantId}" is intact: ${chain.checked} event(s) verified\n`);
  if (checkpoint.status === "matches") {
    io.stdout(`it matches ${checkpoint.description}; ${checkpoint.uncovered} newer event(s) are not covered by a checkpoint yet\n`);
  } else if (checkpoint.status === "none") {
    io.stdout(`no checkpoint of tenant "${tenantId}" in ${checkpoint.store} yet: only the chain's own hashes were checked (frostbyte audit checkpoint takes one)\n`);
  }
}

function resultLine(result: TenantCheckpointResult): string {
  switch (result.outcome) {
    case "written":
      return `tenant "${result.tenantId}": checkpoint ${result.written.name} written (chain position ${result.head.chainSeq}, hash ${result.head.hash}), retained until ${result.written.retainUntil}\n`;
    case "unchanged":
      return `tenant "${result.tenantId}": unchanged since its newest checkpoint (chain position ${result.head.chainSeq})\n`;
    case "refused":
      return `tenant "${result.tenantId}": NOT checkpointed: ${result.reason}\n`;
  }
}

export async function auditCheckpoint(io: CliIo, tenantIds: readonly string[]): Promise<void> {
  const settings = checkpointStoreSettings(io.env);
  if (settings === undefined) {
    throw new CliError(`${CHECKPOINT_ENV.endpoint} is not set; point it at the S3/MinIO server that keeps checkpoints under object lock, e.g. https://minio.internal:9000`);
  }
  const key = await loadSigningKey(signingKeyFile(io.env));
  const verifyKeyFile = io.env[CHECKPOINT_ENV.verifyKeyFile]?.trim();
  const trustedKeys = verifyKeyFile ? await loadVerifyKeys(verifyKeyFile) : undefined;
  const store = new CheckpointStore(settings);
  const results = await withPool(io, async (pool) => {
    const ids = tenantIds.length > 0 ? tenantIds : (await new TenantRegistry(pool).listTenants()).map((tenant) => tenant.tenantId);
    return checkpointTenants(pool, store, key, ids, { ...(trustedKeys ? { trustedKeys } : {}) });
  });
  for (const result of results) {
    if (result.outcome === "refused") io.stderr(resultLine(result));
    else io.stdout(resultLine(result));
  }
  const refused = results.filter((result) => result.outcome === "refused").map((result) => result.tenantId);
  if (refused.length > 0) throw new CliError(`${refused.length} of ${results.length} tenant(s) not checkpointed (${refused.join(", ")}): their audit chains need investigating`);
}

export async function auditKeygen(io: CliIo, options: { readonly privateKey: string; readonly publicKey: string }): Promise<void> {
  const keyId = await writeNewKeyPair(options.privateKey, options.publicKey);
  io.stdout(
    `wrote Ed25519 key ${keyId}: private key ${options.privateKey} (mode 0600, for ${CHECKPOINT_ENV.signingKeyFile} of the checkpoint job only), public key ${options.publicKey} (for ${CHECKPOINT_ENV.verifyKeyFile})\n`,
  );
}

export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command("audit").description("the control-plane audit log and its signed checkpoints");
  audit
    .command("verify")
    .description(`recompute a tenant's audit hash chain and check it against its newest checkpoint (when ${CHECKPOINT_ENV.endpoint} is set); exit 1 and say why when either fails`)
    .argument("<id>", "tenant id")
    .action((id: string) => auditVerify(io, id));
  audit
    .command("checkpoint")
    .description(`sign each tenant's chain head with ${CHECKPOINT_ENV.signingKeyFile} and store it in the object-locked bucket at ${CHECKPOINT_ENV.endpoint}; exit 1 when a chain fails its check`)
    .argument("[id...]", "tenant ids (default: every tenant)")
    .action((ids: string[]) => auditCheckpoint(io, ids));
  audit
    .command("keygen")
    .description("write a new Ed25519 key pair for checkpoints; never replaces a file")
    .requiredOption("--private-key <path>", "where to write the private key (PEM, mode 0600)")
    .requiredOption("--public-key <path>", "where to write the public key (PEM)")
    .action((options: { privateKey: string; publicKey: string }) => auditKeygen(io, options));
}
