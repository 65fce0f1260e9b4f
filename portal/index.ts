/**
 * The self-service portal (DESIGN §9 `frostbyte portal`): a Fastify HTTP API over the tenant
 * registry and the tenant stacks. Long operations are rows of the control plane, answered 202 and
 * followed by id or as server-sent events; bearer tokens are stored hashed.
 */
export { buildPortalApp, PORTAL_API_VERSION, type PortalAppOptions } from "./app";
export { actorOf, requireAdmin, requireTenantAccess, type Principal } from "./auth";
export type { PortalApp, PortalContext } from "./context";
export { errorAnswer, HttpError, schemaIssuePath, type ErrorBody } from "./errors";
export { acquirePortalLock, PortalAlreadyRunningError, type PortalLock } from "./instanceLock";
export { mergePatch } from "./mergePatch";
export { PortalMetrics, type OperationResult } from "./metrics";
export { ALLOWED_STATES, assertOperationAllowed, desiredState, TenantStateConflictError } from "./operations/kinds";
export { ProgressHub, type Following, type ProgressFollower } from "./operations/progressHub";
export { INTERRUPTED_BY_RESTART, recoverInterruptedOperations, type RecoveredOperation } from "./operations/recovery";
export { OperationRunner, type RunnerDeps, type RunnerLog } from "./operations/runner";
export { PortalClosingError, TenantOperations } from "./operations/service";
export { completeDeprovisioning, settleFailedOperation } from "./operations/settle";
export * from "./operations/store";
export { openPortal, PORTAL_ACTOR, startPortal, type Portal, type PortalDeps, type RunningPortal, type StartPortalOptions } from "./portal";
export { createToken, findActiveToken, hashToken, looksLikeToken, revokeToken, TOKEN_PREFIX, type ApiToken, type CreatedToken, type TokenScope } from "./tokens";
