/**
 * An operation's progress as server-sent events: `progress` events (id = sequence number, data =
 * one progress event), then one `end` event with the finished operation, then the stream closes.
 * A client that reconnects with `Last-Event-ID` gets only what it missed. A live operation is
 * followed through the hub; a finished one (or one of an earlier process) is replayed from the
 * database. While it is open, the stream looks its token up again every few seconds: once the token
 * is revoked or expired (or cannot be checked), one `closed` event says why and the stream ends.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { getOperation, listProgress, tokenState, type Operation, type Queryable, type StoredProgress } from "../controlplane";
import type { ProgressHub } from "./operations/progressHub";
import { operationView } from "./views";

/** How often a comment line keeps idle proxies from closing the stream. */
const HEARTBEAT_MS = 15_000;

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
export async function streamOperation(request: FastifyRequest, reply: FastifyReply, operation: Operation, hub: ProgressHub, db: Queryable, guard: StreamTokenGuard): Promise<void> {
  const after = lastEventId(request);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let closed = false;
  let stop = (): void => undefined;
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
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearInterval(tokenCheck);
    stop();
    res.end();
  };
  // The response closes when the client goes away (or when the stream ends).
  res.on("close", close);
  const write = (frame: string): void => {
    if (!closed) res.write(frame);
  };

  const following = hub.follow(operation.operationId, after, {
    onEvent: (progress) => write(progressFrame(progress)),
    onEnd: (final) => {
      write(endFrame(final));
      close();
    },
  });
  if (following) {
    stop = following.stop;
    for (const progress of following.replay) write(progressFrame(progress));
    return;
  }
  try {
    for (const progress of await listProgress(db, operation.operationId, after)) write(progressFrame(progress));
    write(endFrame((await getOperation(db, operation.operationId)) ?? operation));
  } finally {
    close();
  }
}
