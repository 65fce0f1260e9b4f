/** What the portal's operations need of the tenant stacks. */
import type { TenantStacks } from "../../stacks";

/**
 * The part of {@link TenantStacks} the portal drives: reserving a tenant, the operations, clearing a
 * stale lock at start-up, and the redaction of error texts; and, when it has them, the time bounds
 * of an operation (a runner without them keeps the default deadline). `frostbyte portal` passes the
 * real TenantStacks; the contract test passes a named test double that runs no engine.
 */
export type OperationStacks = Pick<TenantStacks, "reserve" | "provision" | "updateConfig" | "preview" | "suspend" | "resume" | "deprovision" | "cancelStaleUpdate" | "redact"> &
  Partial<Pick<TenantStacks, "timeBounds">>;
