/**
 * Tells the portal's event streams when an operation they follow has news, whichever worker runs
 * it: one connection listens on the channel migration 013 notifies for every progress event and
 * state change. A notification only says "look again"; the stream reads the database itself, and
 * also looks every few seconds on its own, so a notification lost while the connection was down
 * delays an event, never drops it.
 */
import pg from "pg";
import { controlPlaneClientConfig, OPERATION_PROGRESS_CHANNEL } from "../controlplane";

/** How long after a dropped listening connection the feed connects again. */
const RECONNECT_MS = 1000;

export class ProgressFeed {
  private readonly watchers = new Map<string, Set<() => void>>();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnect: NodeJS.Timeout | undefined;

  private constructor(private readonly url: string) {}

  /** A feed listening on the control plane at `url`. */
  static async open(url: string): Promise<ProgressFeed> {
    const feed = new ProgressFeed(url);
    await feed.connect();
    return feed;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...controlPlaneClientConfig(this.url), application_name: "frostbyte-portal-progress" });
    client.on("notification", (message) => {
      if (message.payload) for (const wake of this.watchers.get(message.payload) ?? []) wake();
    });
    const lost = (): void => {
      if (this.client !== client) return;
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on("error", lost);
    client.on("end", lost);
    await client.connect();
    await client.query(`LISTEN ${OPERATION_PROGRESS_CHANNEL}`);
    this.client = client;
    // Whatever happened while no connection listened: every stream looks again.
    for (const wakes of this.watchers.values()) for (const wake of wakes) wake();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
  }

  /** Calls `wake` whenever the operation may have news; returns how to stop. */
  watch(operationId: string, wake: () => void): () => void {
    let set = this.watchers.get(operationId);
    if (!set) this.watchers.set(operationId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.watchers.delete(operationId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
