/**
 * Which control-plane errors say "not now" rather than "no": the server did not answer in time, the
 * connection broke or could not be opened, or the server gave up on a statement for a reason that
 * passes (a timeout, a lock, a conflict, a restart). Only these are retried; a refusal by the
 * database's rules (a lifecycle trigger, a constraint) is final and never retried.
 */
import pg from "pg";
import { ControlPlaneTimeoutError } from "./errors";

/** SQLSTATEs of statements that may succeed when run again. Class 08 (connection exception) counts too. */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  "57014", // query_canceled: statement_timeout
  "55P03", // lock_not_available: lock_timeout
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "25P03", // idle_in_transaction_session_timeout
  "53300", // too_many_connections
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, recovering)
]);

/** Socket errors of a server that is down, restarting or unreachable for a while. */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** node-postgres's own words for a server that did not answer or a connection that broke. */
const TRANSIENT_MESSAGES: readonly RegExp[] = [
  /^Query read timeout$/,
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /is not queryable$/,
];

function isTransientOne(error: unknown): boolean {
  if (error instanceof ControlPlaneTimeoutError) return true;
  if (error instanceof pg.DatabaseError) return error.code !== undefined && (TRANSIENT_SQLSTATES.has(error.code) || error.code.startsWith("08"));
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && TRANSIENT_SOCKET_CODES.has(code)) return true;
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Socket errors of an address where nothing listens (refused, no route): a server restarting, or a wrong address. */
const REFUSED_SOCKET_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 8; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
    if (current instanceof AggregateError) chain.push(...current.errors);
  }
  return chain;
}

/**
 * Whether `error` says that nothing listens at the control plane's address. Retried only for a short
 * while (retry.ts): a restarting server refuses for seconds, a wrong address for ever.
 */
export function isConnectionRefused(error: unknown): boolean {
  return causes(error).some((cause) => cause instanceof Error && REFUSED_SOCKET_CODES.has(String((cause as { code?: unknown }).code)));
}

/** Whether `error` (or its cause, or every error it aggregates) is a control-plane error worth retrying. */
export function isTransientControlPlaneError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof AggregateError && current.errors.length > 0 && current.errors.every(isTransientControlPlaneError)) return true;
    if (isTransientOne(current)) return true;
    if (current instanceof pg.DatabaseError) return false;
  }
  return false;
}
