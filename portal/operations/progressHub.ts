/**
 * The live progress of the operations this process runs: each event gets its sequence number here,
 * followers get what they missed and then every new event, and the end. Once an operation ends its
 * entry goes; the database (operation_events) holds the whole stream for later readers.
 */
import type { ProgressEvent } from "../../stacks";
import type { Operation, StoredProgress as StoredEvent } from "../../controlplane";

/** One progress event of an operation, numbered. */
export type StoredProgress = StoredEvent<ProgressEvent>;

/** Someone following one operation (an SSE stream). */
export interface ProgressFollower {
  onEvent(progress: StoredProgress): void;
  onEnd(operation: Operation): void;
}

/** A live follow: what was missed, and how to stop. */
export interface Following {
  readonly replay: readonly StoredProgress[];
  stop(): void;
}

interface LiveOperation {
  readonly events: StoredProgress[];
  readonly followers: Set<ProgressFollower>;
}

export class ProgressHub {
  private readonly live = new Map<string, LiveOperation>();

  /** Starts the operation's live stream. */
  open(operationId: string): void {
    if (!this.live.has(operationId)) this.live.set(operationId, { events: [], followers: new Set() });
  }

  /** Numbers the event and hands it to every follower; undefined when the operation is not live. */
  publish(operationId: string, event: ProgressEvent): StoredProgress | undefined {
    const live = this.live.get(operationId);
    if (live === undefined) return undefined;
    const stored: StoredProgress = { seq: live.events.length + 1, occurredAt: new Date(), event };
    live.events.push(stored);
    for (const follower of live.followers) follower.onEvent(stored);
    return stored;
  }

  /**
   * Follows a live operation from after `afterSeq`: the missed events are returned, every later one
   * goes to the follower. Undefined when the operation is not live here (read the database instead).
   */
  follow(operationId: string, afterSeq: number, follower: ProgressFollower): Following | undefined {
    const live = this.live.get(operationId);
    if (live === undefined) return undefined;
    live.followers.add(follower);
    return { replay: live.events.filter((e) => e.seq > afterSeq), stop: () => live.followers.delete(follower) };
  }

  /** Ends the operation's stream: every follower gets the final operation, then the entry goes. */
  finish(operation: Operation): void {
    const live = this.live.get(operation.operationId);
    if (live === undefined) return;
    this.live.delete(operation.operationId);
    for (const follower of live.followers) follower.onEnd(operation);
  }

  /** Whether the operation is running in this process. */
  isLive(operationId: string): boolean {
    return this.live.has(operationId);
  }
}
