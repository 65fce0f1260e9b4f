/**
 * Writes an operation's progress to operation_events in order, batching what arrives while a write
 * is in flight. Progress is a record, not the operation: a failed write is reported and dropped,
 * and the operation goes on.
 */
import { appendProgress, type Queryable } from "../../controlplane";
import type { StoredProgress } from "./progressHub";

export class ProgressWriter {
  private pending: StoredProgress[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly db: Queryable,
    private readonly operationId: string,
    private readonly onError: (error: unknown) => void,
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
    try {
      await appendProgress(this.db, this.operationId, batch);
    } catch (error) {
      this.onError(error);
    }
  }
}
