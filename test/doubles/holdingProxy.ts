/**
 * **Test double: an HTTP proxy that holds requests**, not a product. It forwards every request to
 * `target`, except, while holding, those its `match` picks: they get no answer until `release()`
 * (then they are forwarded), and one whose client hangs up meanwhile is dropped, never forwarded —
 * the way a store that stopped answering looks to its client. Tests put it in front of an API test
 * double to make an engine step wait as long as they need. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HoldingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** From now on, requests `match` picks are held. */
  hold(match: (method: string, path: string) => boolean): void;
  /** Stops holding and forwards every request still held. */
  release(): void;
  /** How many requests were held so far. */
  held(): number;
  /** How many held requests were dropped because their client hung up. */
  dropped(): number;
  close(): Promise<void>;
}

interface Held {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly body: Buffer;
}

/** Hop-by-hop and framing headers that must not be copied between the two connections. */
const NOT_FORWARDED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "content-encoding"]);

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(target: string, { request, response, body }: Held): Promise<void> {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name, value]) => !NOT_FORWARDED.has(name) && typeof value === "string")) as Record<string, string>;
  const answer = await fetch(new URL(request.url ?? "/", target), { method: request.method ?? "GET", headers, ...(body.length > 0 ? { body } : {}) });
  const payload = Buffer.from(await answer.arrayBuffer());
  const copied = Object.fromEntries([...answer.headers].filter(([name]) => !NOT_FORWARDED.has(name)));
  response.writeHead(answer.status, answer.statusText, { ...copied, "content-length": String(payload.length) });
  response.end(payload);
}

export async function startHoldingProxy(options: { readonly target: string }): Promise<HoldingProxy> {
  let match: ((method: string, path: string) => boolean) | undefined;
  const waiting = new Set<Held>();
  let held = 0;
  let dropped = 0;
  const send = (entry: Held) =>
    forward(options.target, entry).catch((error: unknown) => {
      if (entry.response.headersSent) return;
      entry.response.writeHead(502, { "content-type": "text/plain" });
      entry.response.end(`holding proxy: ${(error as Error).message}`);
    });

  const server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      const entry: Held = { request, response, body };
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      if (!match?.(request.method ?? "GET", path)) return void send(entry);
      held += 1;
      waiting.add(entry);
      response.on("close", () => {
        if (waiting.delete(entry)) dropped += 1;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (picks) => {
      match = picks;
    },
    release: () => {
      match = undefined;
      const entries = [...waiting];
      waiting.clear();
      for (const entry of entries) void send(entry);
    },
    held: () => held,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        waiting.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
