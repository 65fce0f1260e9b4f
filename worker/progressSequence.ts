/**
 * Numbers an operation's progress events. A taken-over operation continues after the last event its
 * lost worker stored, so a follower's `Last-Event-ID` stays meaningful across attempts.
 */
import { listProgress, type Queryable, type StoredProgress as StoredEvent } from "../controlplane";
import type { ProgressEvent } from "../stacks";

/** One progress event of an operation, numbered. */
export type StoredProgress = StoredEvent<ProgressEvent>;

export class ProgressSequence {
  private constructor(private last: number) {}

  /** A sequence after the operation's last stored event. */
  static async after(db: Queryable, operationId: string): Promise<ProgressSequence> {
    const stored = await listProgress(db, operationId);
    return new ProgressSequence(stored.at(-1)?.seq ?? 0);
  }

  next(event: ProgressEvent): StoredProgress {
    this.last += 1;
    return { seq: this.last, occurredAt: new Date(), event };
  }
}
