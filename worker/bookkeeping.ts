/**
 * The control-plane writes of one running operation, retried while the control plane does not
 * answer (paused, restarting, cut off): a record is delayed, never lost.
 * - While the operation runs (marking it running, reading its tenant, closing a deprovisioning),
 *   retries stop at the operation's deadline, which then ends the operation: "deadline of N s
 *   passed during <what>".
 * - Its closing records (the tenant settled, the operation marked succeeded or failed) are retried
 *   past the deadline, until the control plane answers or the worker shuts down; its job is then
 *   taken over by another worker (jobHandler.ts): a tenant is never left blocked by a row that says
 *   "running".
 */
import { isTransientControlPlaneError, retryControlPlane } from "../controlplane";
import type { OperationDeadline } from "../stacks";

export class OperationBookkeeping {
  constructor(
    readonly deadline: OperationDeadline,
    /** The worker's shutdown (or its lost claim): no new attempt starts once it is aborted. */
    private readonly shutdown: AbortSignal,
    /** Told about every attempt that will be retried. */
    private readonly onRetry: (what: string, error: unknown) => void,
  ) {}

  /** A write while the operation runs; OperationDeadlineError naming `what` when the deadline passes first. */
  async during<T>(what: string, work: (attempt: number) => Promise<T>): Promise<T> {
    this.deadline.assertBefore(what);
    try {
      return await retryControlPlane(work, { until: this.deadline.expiresAt, signal: this.shutdown, onRetry: (error) => this.onRetry(what, error) });
    } catch (error) {
      if (isTransientControlPlaneError(error) && this.deadline.expired && !this.shutdown.aborted) throw this.deadline.error(what, "the control plane did not answer");
      throw error;
    }
  }

  /**
   * A closing record: retried until it is written or the worker shuts down. `work` gets the attempt
   * number: a later attempt must first look whether an earlier one committed before its answer was lost.
   */
  closing<T>(what: string, work: (attempt: number) => Promise<T>): Promise<T> {
    return retryControlPlane(work, { signal: this.shutdown, onRetry: (error) => this.onRetry(what, error) });
  }
}
