/**
 * **Test double: a credential-echoing HTTP proxy**, not a product. It forwards to `target` every
 * request whose credential `passes` accepts, and refuses every other one with 403, repeating the
 * refused credential in the reason phrase and in a Qdrant-style error body — the way a verbose
 * gateway or a store's error page can echo what it was sent. Tests put it in front of a store to
 * prove that an echoed credential is blanked everywhere it could travel. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CredentialEchoProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every credential it refused and echoed back, in order, without repeats. */
  echoed(): string[];
  /** How many requests it refused so far. */
  refusals(): number;
  close(): Promise<void>;
}

export interface CredentialEchoProxyOptions {
  /** Where accepted requests go (`http://host:port`); without it every request is refused. */
  readonly target?: string;
  /** Whether a request with this credential (`api-key` header or `Authorization: Bearer`) is forwarded. */
  readonly passes: (credential: string | undefined) => boolean;
}

function credentialOf(request: IncomingMessage): string | undefined {
  const apiKey = request.headers["api-key"];
  if (typeof apiKey === "string") return apiKey;
  const authorization = request.headers.authorization;
  return authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : authorization;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hop-by-hop and framing headers that must not be copied between the two connections. */
const NOT_FORWARDED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "content-encoding"]);

async function forward(target: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await bodyOf(request);
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name, value]) => !NOT_FORWARDED.has(name) && typeof value === "string")) as Record<string, string>;
  const answer = await fetch(new URL(request.url ?? "/", target), {
    method: request.method ?? "GET",
    headers,
    ...(body.length > 0 ? { body } : {}),
  });
  const copied = Object.fromEntries([...answer.headers].filter(([name]) => !NOT_FORWARDED.has(name)));
  const payload = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, answer.statusText, { ...copied, "content-length": String(payload.length) });
  response.end(payload);
}

export async function startCredentialEchoProxy(options: CredentialEchoProxyOptions): Promise<CredentialEchoProxy> {
  const echoed: string[] = [];
  let refusals = 0;
  const server = createServer((request, response) => {
    const credential = credentialOf(request);
    if (options.target !== undefined && options.passes(credential)) {
      forward(options.target, request, response).catch((error: unknown) => {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`credential echo proxy: ${(error as Error).message}`);
      });
      return;
    }
    request.resume();
    refusals += 1;
    if (credential !== undefined && !echoed.includes(credential)) echoed.push(credential);
    const message = `Forbidden: credential ${credential ?? "(none)"} is not allowed here`;
    const body = JSON.stringify({ status: { error: message }, time: 0 });
    response.writeHead(403, message, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    echoed: () => [...echoed],
    refusals: () => refusals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
