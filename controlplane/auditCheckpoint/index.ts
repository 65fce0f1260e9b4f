/**
 * Audit checkpoints (issue #13): each tenant's chain head signed with an Ed25519 key the database
 * never holds, kept in an S3/MinIO bucket under COMPLIANCE object lock, and the verification of a
 * chain against its newest checkpoint. What the pieces do: format.ts (payload, signature, object
 * names), keys.ts (key files), settings.ts (environment), store.ts (the bucket), compare.ts (chain
 * vs checkpoint), checkpoint.ts (`audit checkpoint`), verify.ts (`audit verify`).
 */
export { checkpointTenant, checkpointTenants, type CheckpointOptions, type TenantCheckpointResult } from "./checkpoint";
export { chainHead, compareWithCheckpoint, describeCheckpoint, type CheckpointComparison } from "./compare";
export { CheckpointFormatError, CheckpointKeyError, CheckpointSettingsError, CheckpointStoreError } from "./errors";
export { assertNameMatches, CHECKPOINT_FORMAT, CHECKPOINT_PREFIX, checkpointObjectName, checkpointPayload, openCheckpoint, signCheckpoint, tenantCheckpointPrefix, type ChainHead, type CheckpointPayload } from "./format";
export { keyIdOf, loadSigningKey, loadVerifyKeys, writeNewKeyPair, type SigningKey } from "./keys";
export { CHECKPOINT_DEFAULTS, CHECKPOINT_ENV, checkpointStoreSettings, signingKeyFile, verifyKeySource, type CheckpointStoreSettings } from "./settings";
export { CheckpointStore, type StoredCheckpoint, type WrittenCheckpoint } from "./store";
export { checkAgainstLatest, latestCheckpoint, verifyTenantAudit, type CheckpointCheck, type CheckpointVerifier, type TenantAuditVerification } from "./verify";
