/** What a worker needs of the tenant stacks. */
import type { TenantStacks } from "../stacks";

/**
 * The part of {@link TenantStacks} a worker drives: reserving a tenant, the operations, clearing the
 * stale lock a lost worker left, and the redaction of error texts; and, when it has them, the time
 * bounds of an operation (a runner without them keeps the default deadline). `frostbyte worker`
 * passes real TenantStacks, one workspace per job; the contract test passes a named test double
 * that runs no engine.
 */
export type OperationStacks = Pick<
  TenantStacks,
  "reserve" | "assertDeployed" | "provision" | "updateConfig" | "updateRefreshed" | "preview" | "previewRefreshed" | "suspend" | "resume" | "deprovision" | "cancelStaleUpdate" | "redact"
> &
  Partial<Pick<TenantStacks, "timeBounds">>;

/** The stacks one job runs on, and how to give them back (a job's workspace is removed afterwards). */
export interface JobStacks {
  readonly stacks: OperationStacks;
  release(): Promise<void>;
}

/** Where each job gets its stacks from. */
export type JobStacksFactory = () => Promise<JobStacks>;
