/**
 * Plain HTTP to a portal on 127.0.0.1 from a chosen loopback source address (127.0.0.2, …), so a
 * test can be several clients on one machine; and an event stream read as it arrives.
 */
import http from "node:http";

/** An answer, its body as text. */
export interface LoopbackAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Where a request goes and whom it comes from. */
export interface LoopbackRequest {
  readonly method?: string;
  readonly token?: string;
  /** The source address, in 127.0.0.0/8 (default 127.0.0.1). */
  readonly from?: string;
}

function options(url: string, request: LoopbackRequest): http.RequestOptions {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") throw new Error(`loopbackHttp: ${url} is not on 127.0.0.1`);
  return {
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    method: request.method ?? "GET",
    localAddress: request.from ?? "127.0.0.1",
    headers: request.token ? { authorization: `Bearer ${request.token}` } : {},
    agent: false,
  };
}

export function loopbackRequest(url: string, request: LoopbackRequest = {}): Promise<LoopbackAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(options(url, request), (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** An open event stream: what arrived so far, and when it ended. */
export interface OpenStream {
  readonly status: number;
  text(): string;
  /** Resolves once `pattern` has arrived (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the whole text when the server ends the stream. */
  readonly ended: Promise<string>;
  close(): void;
}

export function openStream(url: string, request: LoopbackRequest = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.request(options(url, request), (res) => {
      let text = "";
      const waiters: { pattern: RegExp; done: () => void }[] = [];
      res.setEncoding("utf8");
      const ended = new Promise<string>((done, fail) => {
        res.on("end", () => done(text));
        res.on("error", fail);
      });
      res.on("data", (chunk: string) => {
        text += chunk;
        for (const waiter of waiters.filter((w) => w.pattern.test(text))) waiter.done();
      });
      resolve({
        status: res.statusCode ?? 0,
        text: () => text,
        ended,
        // A stream the test closes itself ends with a reset nobody waits for.
        close: () => {
          ended.catch(() => undefined);
          req.destroy();
        },
        waitFor: (pattern, timeoutMs) =>
          new Promise<void>((done, fail) => {
            if (pattern.test(text)) return done();
            const timer = setTimeout(() => fail(new Error(`no ${String(pattern)} within ${timeoutMs} ms; received: ${text}`)), timeoutMs);
            waiters.push({ pattern, done: () => (clearTimeout(timer), done()) });
          }),
      });
    });
    req.on("error", reject);
    req.end();
  });
}
