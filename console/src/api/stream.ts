/**
 * Follows an operation's progress stream (`GET /operations/{id}/stream`, server-sent events) through
 * the typed client, so the bearer header and the 401 handling are the client's own (EventSource
 * cannot send a header). A stream cut before its `end` event is resumed with `Last-Event-ID`.
 */
import type { Api } from "./client";
import type { ProgressEvent, StreamEnd } from "./types";

/** What the page does with the stream. */
export interface StreamHandlers {
  onProgress(seq: number, event: ProgressEvent): void;
  onEnd(operation: StreamEnd): void;
  /** The stream could not be followed (after the retries); `message` says why. */
  onError(message: string): void;
}

/** How often a cut stream is resumed before the page gives up, and how long it waits between. */
const RETRIES = 5;
const RETRY_DELAY_MS = 1_000;

/** One server-sent event's fields. */
interface Frame {
  readonly event: string;
  readonly id?: string;
  readonly data: string;
}

/** Splits a text/event-stream body into frames as they arrive (comments and heartbeats skipped). */
export async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "id") id = text;
        else if (field === "data") data.push(text);
      }
      if (data.length > 0) yield { event, ...(id === undefined ? {} : { id }), data: data.join("\n") };
    }
  }
}

/** Follows the operation until its `end` event, the signal aborts, or the retries run out. */
export async function followOperation(api: Api, operationId: string, handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  let lastSeq = 0;
  let cut = "it ended before the operation did";
  for (let attempt = 0; attempt <= RETRIES && !signal.aborted; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    try {
      const { data, error, response } = await api.GET("/operations/{id}/stream", {
        params: { path: { id: operationId } },
        headers: lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {},
        parseAs: "stream",
        signal,
      });
      if (error !== undefined || !data) {
        // 401 has already ended the session; 403 and 404 will not change on a retry.
        handlers.onError(error?.message ?? `the progress stream answered ${response.status}`);
        return;
      }
      for await (const frame of frames(data)) {
        if (frame.event === "progress") {
          const seq = Number(frame.id);
          if (Number.isInteger(seq) && seq > lastSeq) lastSeq = seq;
          handlers.onProgress(seq, JSON.parse(frame.data) as ProgressEvent);
        } else if (frame.event === "end") {
          handlers.onEnd(JSON.parse(frame.data) as StreamEnd);
          return;
        }
      }
      cut = "it ended before the operation did";
    } catch (error) {
      if (signal.aborted) return;
      cut = error instanceof Error ? error.message : String(error);
    }
  }
  if (!signal.aborted) handlers.onError(`the progress stream was cut ${RETRIES + 1} times (last: ${cut})`);
}
