/**
 * Writes an operation's progress to operation_events in order, batching what arrives while a write
 * is in flight. A control plane that does not answer is retried until the operation's deadline
 * (bookkeeping.ts), the events behind the batch waiting their turn. Progress is a record, not the
 * operation: a batch that still cannot be written is reported and dropped, and the operation goes on.
 */
import pg from "pg";
import { appendProgress, retryControlPlane, type Queryable } from "../controlplane";
import type { StoredProgress } from "./progressSequence";

const UNIQUE_VIOLATION = "23505";

/** When the writer stops retrying a batch. */
export interface ProgressRetry {
  /** Epoch milliseconds: the operation's deadline. */
  readonly until: number;
  /** The worker's shutdown or lost claim. */
  readonly signal?: AbortSignal;
}

export class ProgressWriter {
  private pending: StoredProgress[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly db: Queryable,
    private readonly operationId: string,
    private readonly onError: (error: unknown) => void,
    private readonly retry?: ProgressRetry,
  ) {}

  /** Queues one event; it is written after every event queued before it. */
  add(progress: StoredProgress): void {
    this.pending.push(progress);
    if (this.scheduled) return;
    this.scheduled = true;
    this.chain = this.chain.then(() => this.flush());
  }

  /** Resolves once every queued event has been written (or its write has failed). */
  async drain(): Promise<void> {
    await this.chain;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const write = async (attempt: number): Promise<void> => {
      try {
        await appendProgress(this.db, this.operationId, batch);
      } catch (error) {
        // One INSERT writes the whole batch or none of it: a retry that finds its first row
        // follows an attempt that committed before its answer was lost.
        if (attempt > 1 && error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION) return;
        throw error;
      }
    };
    try {
      await (this.retry ? retryControlPlane(write, { until: this.retry.until, ...(this.retry.signal ? { signal: this.retry.signal } : {}) }) : write(1));
    } catch (error) {
      this.onError(error);
    }
  }
}
