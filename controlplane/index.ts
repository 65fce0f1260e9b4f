/**
 * The control plane: the tenant registry with its lifecycle (DESIGN §3), schema migrations (§4) and
 * the hash-chained audit log (§5). Everything other modules use is exported here.
 */
export { appendEvent, listEvents, verifyChain, type AppendEventInput, type AuditEvent, type ChainVerification } from "./audit";
export { canonicalEvent, canonicalField, canonicalTimestamp, eventHash, CANONICAL_FORMAT_TAG, type CanonicalEventFields } from "./canonical";
export { assertControlPlaneUrl, controlPlaneClientConfig, createControlPlanePool, explainConnectTimeout, isConnectTimeout, withTransaction, type ControlPlanePoolOptions, type Queryable } from "./db";
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
  TransitionNotAllowedError,
  UnknownStateError,
} from "./errors";
export { AUDIT_EVENT_TYPES, isAuditEventType, STANDALONE_EVENT_TYPES, type AuditEventType, type StandaloneEventType } from "./eventTypes";
export type { JsonObject, JsonValue } from "./json";
export {
  allowedTargets,
  assertTransition,
  findTransition,
  INITIAL_STATE,
  isTenantState,
  TENANT_STATES,
  TRANSITIONS,
  type LifecycleTransition,
  type TenantState,
} from "./lifecycle";
export { CONTROL_PLANE_SCHEMA, defaultMigrationsDir, migrateControlPlane, MIGRATIONS_TABLE, type MigrateOptions } from "./migrate";
export { TenantRegistry, type ChangeOptions, type CredentialRotationInput, type CreateTenantOptions, type StandaloneEventInput, type TransitionResult } from "./registry";
export { assertNoSecrets } from "./secretGuard";
export type { Tenant, TenantEndpoints } from "./tenantRecord";
export { ConfigValidationError } from "../components/validation";
export { InvalidTenantIdError } from "../components/naming";
export { deleteSecretsFile, getSecretsFile, storeSecretsFile, type SecretsFile } from "./secretsFiles";
export { sopsBinary, sopsDecryptYaml, sopsEncryptYaml } from "./sops";
