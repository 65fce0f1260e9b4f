/**
 * The control plane: the tenant registry with its lifecycle (DESIGN §3), schema migrations (§4) and
 * the hash-chained audit log (§5). Everything other modules use is exported here.
 */
export { appendEvent, listEvents, readVerifiedChain, verifyChain, type AppendEventInput, type AuditEvent, type ChainVerification } from "./audit";
export { canonicalEvent, canonicalField, canonicalTimestamp, eventHash, CANONICAL_FORMAT_TAG, type CanonicalEventFields } from "./canonical";
export { assertControlPlaneUrl, controlPlaneClientConfig, createControlPlanePool, explainConnectTimeout, isConnectTimeout, withControlPlanePool, withTransaction, type ControlPlanePoolOptions, type Queryable } from "./db";
export {
  ControlPlaneTimeoutError,
  ControlPlaneUrlError,
  CredentialRotationError,
  InvalidAgePublicKeyError,
  InvalidAuditEventError,
  MigrationError,
  SecretLikeDataError,
  TenantAlreadyExistsError,
  TenantNotFoundError,
} from "./errors";
export {
  DRIFT_ERROR_MAX_LENGTH,
  DRIFT_JOINED_COLUMNS,
  DRIFT_RESULTS,
  driftFromJoinedRow,
  driftOf,
  driftOfAll,
  InvalidDriftCheckError,
  recordDriftCheck,
  type DriftChanges,
  type DriftCheck,
  type DriftCheckInput,
  type DriftJoinedRow,
  type DriftResult,
} from "./drift";
export { appliedDeployments, recordAppliedDeployment, STACK_CHANGING_KINDS, type AppliedDeployment } from "./appliedDeployments";
export { DEFAULT_DRIFT_SCHEDULE, describeDriftSchedule, DRIFT_SCHEDULE_ENV, DriftScheduleError, driftScheduleSetting, type DriftScheduleSetting } from "./driftSchedule";
export { retryControlPlane, type ControlPlaneRetryOptions } from "./retry";
export { isTransientControlPlaneError } from "./transientErrors";
export { CONTROL_PLANE_SCHEMA, defaultMigrationsDir, migrateControlPlane, MIGRATIONS_TABLE, type MigrateOptions } from "./migrate";
export { TenantRegistry, type ChangeOptions, type CredentialRotationInput, type CredentialRotationTokenOptions, type CreateTenantOptions, type StandaloneEventInput, type TransitionOptions, type TransitionResult } from "./registry";
export { assertNoSecrets } from "./secretGuard";
export type { Tenant, TenantEndpoints } from "./tenantRecord";
export { deleteSecretsFile, getSecretsFile, storeSecretsFile, type SecretsFile } from "./secretsFiles";
export { sopsBinary, sopsDecryptYaml, sopsEncryptYaml } from "./sops";
export * from "./operations/index";
export {
  authenticateToken,
  createToken,
  DEFAULT_TOKEN_TTL_SECONDS,
  findActiveToken,
  hashToken,
  listTokens,
  looksLikeToken,
  MAX_TOKEN_TTL_SECONDS,
  revokeToken,
  TenantClosedForTokensError,
  TOKEN_PREFIX,
  TokenLifetimeError,
  tokenState,
  tokenTtlSeconds,
  type ApiToken,
  type CreatedToken,
  type TokenFilter,
  type TokenKind,
  type TokenLifetime,
  type TokenLookup,
  type TokenScope,
  type TokenState,
} from "./apiTokens";
export * from "./queue/index";
