/**
 * An operation's progress as server-sent events: `progress` events (id = sequence number, data =
 * one progress event), then one `end` event with the finished operation, then the stream closes.
 * A client that reconnects with `Last-Event-ID` gets only what it missed. Every stream reads the
 * database (operation_events), whichever worker runs the operation and whichever portal serves the
 * stream: it looks again when the progress feed says there is news, and every POLL_MS anyway. While
 * it is open, the stream looks its token up again every few seconds: once the token
 * is revoked or expired (or cannot be checked), one `closed` event says why and the stream ends.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { getOperation, listProgress, tokenState, type Operation, type Queryable, type StoredProgress } from "../controlplane";
import type { ProgressFeed } from "./progressFeed";
import { operationView } from "./views";

/** How often a comment line keeps idle proxies from closing the stream. */
const HEARTBEAT_MS = 15_000;
/** How often a stream looks at the database without a notification. */
const POLL_MS = 2_000;
/** Operation states after which nothing more is written. */
const FINISHED = new Set(["succeeded", "failed"]);

function progressFrame(progress: StoredProgress): string {
  return `id: ${progress.seq}\nevent: progress\ndata: ${JSON.stringify(progress.event)}\n\n`;
}

function endFrame(operation: Operation): string {
  return `event: end\ndata: ${JSON.stringify(operationView(operation))}\n\n`;
}

/** Why a stream was closed before its `end` event. */
export type StreamClosedReason = "token-revoked" | "token-expired" | "token-unchecked";

const CLOSED_MESSAGES: Readonly<Record<StreamClosedReason, string>> = {
  "token-revoked": "the token was revoked; the stream ends",
  "token-expired": "the token expired; the stream ends",
  "token-unchecked": "the token could not be checked with the control plane; reconnect with Last-Event-ID",
};

function closedFrame(reason: StreamClosedReason): string {
  return `event: closed\ndata: ${JSON.stringify({ reason, message: CLOSED_MESSAGES[reason] })}\n\n`;
}

/** The token a stream was opened with, and how often it is checked. */
export interface StreamTokenGuard {
  readonly tokenId: string;
  readonly checkEveryMs: number;
}

/** The sequence number the client last saw (`Last-Event-ID`), 0 when none. */
function lastEventId(request: FastifyRequest): number {
  const header = request.headers["last-event-id"];
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/** Streams the operation's progress; the caller has already checked that it exists and may be seen. */
export async function streamOperation(request: FastifyRequest, reply: FastifyReply, operation: Operation, feed: ProgressFeed, db: Queryable, guard: StreamTokenGuard): Promise<void> {
  let after = lastEventId(request);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let closed = false;
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  let checking = false;
  const tokenCheck = setInterval(() => {
    if (closed || checking) return;
    checking = true;
    void tokenState(db, guard.tokenId)
      .then(
        (state) => (state === "active" ? undefined : state === "expired" ? "token-expired" : "token-revoked"),
        // Unchecked is closed: the token may have been revoked meanwhile.
        (): StreamClosedReason => "token-unchecked",
      )
      .then((reason) => {
        checking = false;
        if (reason === undefined) return;
        write(closedFrame(reason));
        close();
      });
  }, guard.checkEveryMs);
  // One look at a time; news that arrives during a look asks for one more.
  let looking = false;
  let again = false;
  const look = async (): Promise<void> => {
    if (closed) return;
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    try {
      do {
        again = false;
        // The state first: events stored before it finished are all read below.
        const current = (await getOperation(db, operation.operationId)) ?? operation;
        for (const progress of await listProgress(db, operation.operationId, after)) {
          write(progressFrame(progress));
          after = progress.seq;
        }
        if (FINISHED.has(current.state)) {
          write(endFrame(current));
          close();
        }
      } while (again && !closed);
    } catch {
      // The database did not answer: the next poll or notification looks again.
    } finally {
      looking = false;
    }
  };
  const stopWatching = feed.watch(operation.operationId, () => void look());
  const poll = setInterval(() => void look(), POLL_MS);
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearInterval(tokenCheck);
    clearInterval(poll);
    stopWatching();
    res.end();
  };
  // The response closes when the client goes away (or when the stream ends).
  res.on("close", close);
  const write = (frame: string): void => {
    if (!closed) res.write(frame);
  };
  await look();
}
