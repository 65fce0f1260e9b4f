/**
 * The self-service portal (DESIGN §9 `frostbyte portal`): a Fastify HTTP API over the tenant
 * registry. Long operations are rows of the control plane (controlplane/operations) and jobs of its
 * queue (controlplane/queue), run by `frostbyte worker` (worker/), answered 202 and followed by id or
 * as server-sent events; its bearer tokens are the control plane's API tokens.
 */
export { type Access, Principal, principalOf, registerAccessControl, type Role } from "./access";
export { AuthFailureLimiter, authFailureKey } from "./authFailures";
export {
  accessSettingsFromEnv,
  AUTH_FAILURES_MAX_ENV,
  AUTH_FAILURES_WINDOW_ENV,
  DEFAULT_ACCESS_SETTINGS,
  PortalSettingError,
  STREAM_TOKEN_CHECK_ENV,
  type AccessSettings,
  type AuthFailureLimit,
} from "./settings";
export type { StreamClosedReason, StreamTokenGuard } from "./sse";
export { buildPortalApp, PORTAL_API_VERSION, type PortalAppOptions } from "./app";
export { errorAnswer, forbidden, HttpError, methodNotAllowed, notFound, schemaIssuePath, unauthorized, type ErrorAnswer, type ErrorBody, type HttpErrorOptions } from "./errors";
export { mergePatch } from "./mergePatch";
export { PortalMetrics } from "./metrics";
export { PortalClosingError, TenantOperations } from "./operations/service";
export { ProgressFeed } from "./progressFeed";
export { openPortal, startPortal, type Portal, type PortalDeps, type RunningPortal, type StartPortalOptions } from "./portal";
export type { PortalApp, PortalContext } from "./services";
