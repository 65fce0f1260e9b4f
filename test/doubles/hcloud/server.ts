/**
 * TEST DOUBLE of the Hetzner Cloud API (https://docs.hetzner.cloud) for end-to-end tests that point
 * the real hcloud provider at it (`hcloud:endpoint` = `double.url`). Listens on 127.0.0.1 only and
 * keeps all state in memory. It is not Hetzner's service; see README.md for coverage and sources.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { registerActionRoutes } from "./actions";
import { registerCatalogRoutes } from "./catalog";
import { ApiError, statusForCode, unauthorized, type ErrorDetails } from "./errors";
import { registerFirewallRoutes } from "./firewalls";
import { RequestContext, type Reply } from "./http";
import { registerNetworkRoutes } from "./networks";
import { registerPrimaryIpRoutes } from "./primary-ips";
import { renderFirewall, renderNetwork, renderPrimaryIp, renderServer } from "./render";
import { Router } from "./router";
import { registerServerActionRoutes } from "./server-actions";
import { registerServerNetworkRoutes } from "./server-networks";
import { registerServerRoutes } from "./servers";
import { registerSshKeyRoutes } from "./ssh-keys";
import { Store, type ActionFailure } from "./state";
import type { Action, Firewall, Network, PrimaryIp, Server, SshKey } from "./types";

export type { ActionFailure } from "./state";

export interface HcloudApiDoubleOptions {
  /** the only accepted `Authorization: Bearer <token>` */
  readonly token: string;
  /** time from `running` to `success`/`error` of every action (default 200 ms) */
  readonly actionDelayMs?: number;
  /** 0 (default) picks a free port */
  readonly port?: number;
  /** answer `locked`/`conflict` while a resource has a running action (default true, like the API) */
  readonly lockResources?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** path below `/v1`, without query */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** parsed JSON body, the raw text if it was no JSON, undefined if empty */
  readonly body: unknown;
  readonly status: number;
  /** `error.code` of an error answer */
  readonly errorCode: string | null;
  readonly at: string;
}

/** Makes the next matching request fail with this error before it reaches the handler. */
export interface RequestFailure {
  readonly method?: string;
  /** exact path below `/v1` or a pattern, e.g. `/servers` or /^\/servers\/\d+$/ */
  readonly path?: string | RegExp;
  readonly code: string;
  readonly message?: string;
  readonly status?: number;
  readonly details?: ErrorDetails;
  /** how many matching requests fail (default 1) */
  readonly times?: number;
}

export interface HcloudStateSnapshot {
  readonly networks: Network[];
  readonly firewalls: Firewall[];
  readonly servers: Server[];
  readonly primaryIps: PrimaryIp[];
  readonly sshKeys: SshKey[];
  readonly actions: Action[];
}

export interface HcloudApiDouble {
  /** base URL for the provider, `http://127.0.0.1:<port>/v1` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** current state in API shape (actions settled first, like a request would) */
  snapshot(): HcloudStateSnapshot;
  networks(): Network[];
  firewalls(): Firewall[];
  servers(): Server[];
  primaryIps(): PrimaryIp[];
  sshKeys(): SshKey[];
  actions(): Action[];
  /** `user_data` a server was created with (the API never returns it); undefined for unknown servers */
  userData(serverIdOrName: number | string): string | null | undefined;
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** the next created action (of `command`, if given) ends in status `error` */
  failNextAction(failure?: ActionFailure): void;
  failNextRequest(failure: RequestFailure): void;
  /** completes every running action now */
  settleActions(): void;
}

const RATE_LIMIT = 3600;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseLogged(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function buildRouter(store: Store): Router {
  const router = new Router();
  // Action routes first: `/servers/actions` must not be taken for `/servers/:id`.
  registerActionRoutes(router, store);
  registerCatalogRoutes(router, store);
  registerNetworkRoutes(router, store);
  registerFirewallRoutes(router, store);
  registerServerNetworkRoutes(router, store);
  registerServerActionRoutes(router, store);
  registerServerRoutes(router, store);
  registerPrimaryIpRoutes(router, store);
  registerSshKeyRoutes(router, store);
  return router;
}

export async function startHcloudApiDouble(options: HcloudApiDoubleOptions): Promise<HcloudApiDouble> {
  if (options.token === "") throw new Error("hcloud double: token must not be empty");
  const store = new Store({ actionDelayMs: options.actionDelayMs ?? 200, lockResources: options.lockResources ?? true });
  const router = buildRouter(store);
  const log: RecordedRequest[] = [];
  const requestFailures: { failure: RequestFailure; left: number }[] = [];
  // The API refills one request per second up to the hourly limit.
  let remaining = RATE_LIMIT;
  let refilledAt = Date.now();
  let baseUrl = "";

  const takeFailure = (method: string, path: string): RequestFailure | undefined => {
    const index = requestFailures.findIndex(({ failure: f }) => {
      const methodOk = f.method === undefined || f.method.toUpperCase() === method;
      const pathOk = f.path === undefined || (typeof f.path === "string" ? f.path === path : f.path.test(path));
      return methodOk && pathOk;
    });
    const entry = requestFailures[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) requestFailures.splice(index, 1);
    return entry.failure;
  };

  const dispatch = (req: IncomingMessage, url: URL, raw: string): Reply => {
    const method = (req.method ?? "GET").toUpperCase();
    if (!url.pathname.startsWith("/v1/")) throw new ApiError("not_found", "not found");
    const path = url.pathname.slice(3);
    store.tick();
    if (req.headers.authorization !== `Bearer ${options.token}`) throw unauthorized();
    const failure = takeFailure(method, path);
    if (failure) throw new ApiError(failure.code, failure.message ?? failure.code.replace(/_/g, " "), failure.details ?? {}, failure.status ?? statusForCode(failure.code));
    const { handler, params } = router.resolve(method, path);
    return handler(new RequestContext(method, path, url.searchParams, raw, params, baseUrl));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let reply: Reply;
    try {
      reply = dispatch(req, url, raw);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError("server_error", `hcloud double: ${err instanceof Error ? err.message : String(err)}`);
      reply = { status: apiError.status, body: apiError.toBody() };
    }
    const seconds = Math.floor((Date.now() - refilledAt) / 1000);
    refilledAt += seconds * 1000;
    remaining = Math.max(0, Math.min(RATE_LIMIT, remaining + seconds) - 1);
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(RATE_LIMIT),
      "RateLimit-Remaining": String(remaining),
      "RateLimit-Reset": String(Math.floor(Date.now() / 1000) + (RATE_LIMIT - remaining)),
      "X-Correlation-Id": randomBytes(8).toString("hex"),
      ...reply.headers,
    };
    const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
    if (text !== "") headers["Content-Type"] = "application/json";
    const errorBody = reply.status >= 400 ? (reply.body as { error?: { code?: string } } | undefined) : undefined;
    const query: Record<string, string[]> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
    log.push({
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname.startsWith("/v1") ? url.pathname.slice(3) : url.pathname,
      query,
      body: parseLogged(raw),
      status: reply.status,
      errorCode: errorBody?.error?.code ?? null,
      at: new Date().toISOString(),
    });
    res.writeHead(reply.status, headers);
    res.end(text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify(new ApiError("server_error", String(err)).toBody()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}/v1`;

  const settled = (): Store => {
    store.tick();
    return store;
  };
  const networks = (): Network[] => [...settled().networks.values()].map((n) => renderNetwork(store, n));
  const firewalls = (): Firewall[] => [...settled().firewalls.values()].map((f) => renderFirewall(store, f));
  const servers = (): Server[] => [...settled().servers.values()].map((s) => renderServer(store, s));
  const primaryIps = (): PrimaryIp[] => [...settled().primaryIps.values()].map((p) => renderPrimaryIp(store, p));
  const sshKeys = (): SshKey[] => [...settled().sshKeys.values()].map((k) => structuredClone(k));
  const actions = (): Action[] => settled().allActions();

  return {
    url: baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    snapshot: () => ({ networks: networks(), firewalls: firewalls(), servers: servers(), primaryIps: primaryIps(), sshKeys: sshKeys(), actions: actions() }),
    networks,
    firewalls,
    servers,
    primaryIps,
    sshKeys,
    actions,
    userData: (idOrName) => [...settled().servers.values()].find((s) => s.id === idOrName || s.name === idOrName)?.userData,
    requests: () => log.map((r) => structuredClone(r)),
    clearRequests: () => {
      log.length = 0;
    },
    failNextAction: (failure = {}) => store.failNextAction(failure),
    failNextRequest: (failure) => {
      requestFailures.push({ failure, left: failure.times ?? 1 });
    },
    settleActions: () => store.tick(true),
  };
}
