/**
 * An operation's progress as server-sent events: `progress` events (id = sequence number, data =
 * one progress event), then one `end` event with the finished operation, then the stream closes.
 * A client that reconnects with `Last-Event-ID` gets only what it missed. A live operation is
 * followed through the hub; a finished one (or one of an earlier process) is replayed from the
 * database.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { getOperation, listProgress, type Operation, type Queryable, type StoredProgress } from "../controlplane";
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

/** The sequence number the client last saw (`Last-Event-ID`), 0 when none. */
function lastEventId(request: FastifyRequest): number {
  const header = request.headers["last-event-id"];
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/** Streams the operation's progress; the caller has already checked that it exists and may be seen. */
export async function streamOperation(request: FastifyRequest, reply: FastifyReply, operation: Operation, hub: ProgressHub, db: Queryable): Promise<void> {
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
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
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
