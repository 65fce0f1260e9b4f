/**
 * Errors of the control-plane registry. Each message says what was refused, for which tenant, and
 * what is allowed; none carries a secret value.
 */

/** The tenant is not in the registry. */
export class TenantNotFoundError extends Error {
  /** The HTTP status the portal answers it with (Not Found). */
  readonly statusCode = 404;

  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" is not in the registry`);
    this.name = "TenantNotFoundError";
  }
}

/** createTenant for an id the registry already holds. */
export class TenantAlreadyExistsError extends Error {
  /** The HTTP status the portal answers it with (Conflict). */
  readonly statusCode = 409;

  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" is already in the registry`);
    this.name = "TenantAlreadyExistsError";
  }
}

/** Data bound for `details` or `endpoints` that looks like a secret; the path is named, the value never. */
export class SecretLikeDataError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}; audit details and endpoints never carry secrets`);
    this.name = "SecretLikeDataError";
  }
}

/** An audit event that cannot be written as asked (empty actor, event type not allowed on its own, …). */
export class InvalidAuditEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidAuditEventError";
  }
}

/** An age public key that is not an X25519 recipient (`age1…`). */
export class InvalidAgePublicKeyError extends Error {
  constructor(readonly tenantId: string, reason: string) {
    super(`tenant "${tenantId}": age public key ${reason}`);
    this.name = "InvalidAgePublicKeyError";
  }
}

/** A control-plane database URL that cannot be used; the message never quotes the password. */
export class ControlPlaneUrlError extends Error {
  constructor(reason: string) {
    super(`control-plane database URL ${reason}`);
    this.name = "ControlPlaneUrlError";
  }
}

/** node-postgres gave up opening a connection to the control plane after its connect timeout. */
export class ControlPlaneTimeoutError extends Error {
  /** `setting` names where the URL came from (an environment variable, a stack-config key). */
  constructor(readonly seconds: number, readonly setting?: string, options?: { cause?: unknown }) {
    const subject = setting === undefined ? "the control-plane database" : `the control-plane database (${setting})`;
    super(`${subject} did not answer within ${seconds} s; check that its host and port are right and that it is up (raise the wait with ?connect_timeout=SECONDS)`, options);
    this.name = "ControlPlaneTimeoutError";
  }
}

/** A migration run that failed; names the migration when known and the database's reason. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** A rotation token that breaks its rule, or a stored token that is not the one the caller read. */
export class CredentialRotationError extends Error {
  constructor(readonly tenantId: string, reason: string) {
    super(`tenant "${tenantId}": credential rotation ${reason}`);
    this.name = "CredentialRotationError";
  }
}
