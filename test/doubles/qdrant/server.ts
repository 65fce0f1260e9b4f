/**
 * A TEST DOUBLE of Qdrant's REST API (modelled on Qdrant v1.19.0), listening on 127.0.0.1 only.
 * It keeps collections and points in memory, checks the api key / JWT like a Qdrant started with
 * `service.api_key` and `service.jwt_rbac: true`, and records every request for tests to inspect.
 * See README.md beside this file for what it covers and which upstream files it was checked against.
 */
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError } from "fastify";
import { authenticate, type AuthConfig, type ValueExistsCheck } from "./auth";
import { collectionInfo } from "./collections";
import { factsOf, type DoubleState } from "./context";
import { JSON_CONTENT_TYPE, NO_CONTENT_TYPE, QdrantError, sendBareText, sendError } from "./envelope";
import { valuesAt } from "./filter";
import { comparePointIds } from "./ids";
import { registerRoutes, WHITELISTED_ROUTES } from "./routes";
import type { CollectionSnapshot, JsonValue, RecordedRequest, StoredCollection } from "./types";

export type {
  Access,
  AuthOutcome,
  CollectionSnapshot,
  JsonObject,
  JsonValue,
  PointId,
  PointSnapshot,
  RecordedRequest,
} from "./types";

export interface QdrantApiDoubleOptions {
  /** Qdrant's `service.api_key`: full access, and the HS256 secret of accepted JWTs. Must not be empty. */
  apiKey: string;
  /** Port on 127.0.0.1; 0 or absent = a free port. */
  port?: number;
  /** Qdrant's `service.alt_api_key` (also a JWT secret). */
  altApiKey?: string;
  /** Qdrant's `service.read_only_api_key` (global read-only access). */
  readOnlyApiKey?: string;
  /** Qdrant's `service.jwt_rbac`; default true. */
  jwtRbac?: boolean;
  /** Version reported by `GET /`; default "1.19.0". */
  version?: string;
}

export interface QdrantApiDouble {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Deep copies of all collections (sorted by name) with their points (sorted by id). */
  collections(): CollectionSnapshot[];
  /** Every request answered so far, oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
}

/** Body limit of Qdrant's JSON extractor (`service.max_request_size_mb: 32`). */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** Commit of the v1.19.0 tag of qdrant/qdrant, as `GET /` reports it. */
const QDRANT_COMMIT = "74f3e85b9473c62560006c043e13737ce6b48412";

function snapshot(collection: StoredCollection): CollectionSnapshot {
  const points = [...collection.points.values()]
    .sort((a, b) => comparePointIds(a.id, b.id))
    .map((p) => ({
      id: p.id,
      vector: collection.vectors.kind === "single" ? [...(p.vectors.get("") ?? [])] : Object.fromEntries([...p.vectors].map(([n, v]) => [n, [...v]])),
      payload: structuredClone(p.payload),
    }));
  return { name: collection.name, info: structuredClone(collectionInfo(collection)), points };
}

function tryParse(body: unknown): JsonValue | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as JsonValue;
  } catch {
    return undefined;
  }
}

export async function startQdrantApiDouble(options: QdrantApiDoubleOptions): Promise<QdrantApiDouble> {
  if (options.apiKey === "") throw new Error("startQdrantApiDouble: apiKey must not be empty");
  const auth: AuthConfig = {
    apiKey: options.apiKey,
    jwtRbac: options.jwtRbac ?? true,
    ...(options.altApiKey !== undefined ? { altApiKey: options.altApiKey } : {}),
    ...(options.readOnlyApiKey !== undefined ? { readOnlyApiKey: options.readOnlyApiKey } : {}),
  };
  const state: DoubleState = {
    auth,
    version: { title: "qdrant - vector search engine", version: options.version ?? "1.19.0", commit: QDRANT_COMMIT },
    collections: new Map(),
  };
  const log: RecordedRequest[] = [];

  /** `AuthKeys::validate_value_exists`: scroll the collection for one point matching every key/value. */
  const valueExists: ValueExistsCheck = (name, matches) => {
    const collection = state.collections.get(name);
    if (collection === undefined) return "missing";
    const hit = [...collection.points.values()].some((p) => matches.every((m) => valuesAt(p.payload, m.key).includes(m.value)));
    return hit ? "ok" : "no-match";
  };

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_REQUEST_BYTES,
    // Qdrant trims trailing slashes (`NormalizePath::trim`) and allows 255-character collection names.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request, reply) => {
    const f = factsOf(request);
    const route = request.routeOptions.url;
    if (route !== undefined && WHITELISTED_ROUTES.has(route)) {
      f.outcome = { kind: "whitelisted" };
      return;
    }
    const result = authenticate(request.headers, state.auth, valueExists);
    if (!result.ok) {
      f.outcome = { kind: "rejected", status: result.status, reason: result.message };
      return sendBareText(reply, result.status, result.message);
    }
    f.access = result.access;
    f.outcome =
      result.via === "jwt"
        ? { kind: "jwt", access: result.access, ...(result.sub !== undefined ? { sub: result.sub } : {}), ...(result.subject !== undefined ? { subject: result.subject } : {}) }
        : { kind: result.via };
  });

  app.addHook("onSend", async (_request, reply, payload) => {
    const contentType = reply.getHeader("content-type");
    if (contentType === NO_CONTENT_TYPE) reply.removeHeader("content-type");
    if (contentType === JSON_CONTENT_TYPE) reply.header("content-type", "application/json");
    return payload;
  });

  app.addHook("onResponse", async (request, reply) => {
    const f = factsOf(request);
    const [path = "", query = ""] = request.url.split(/\?(.*)/s);
    log.push({
      method: request.method,
      path,
      query,
      status: reply.statusCode,
      auth: f.outcome ?? { kind: "rejected", status: 401, reason: "no auth decision recorded" },
      body: f.body ?? tryParse(request.body),
    });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(""));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const started = factsOf(request).started;
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const length = request.headers["content-length"] ?? "?";
      return sendError(reply, started, new QdrantError(400, `JSON payload (${length} bytes) is larger than allowed (limit: ${MAX_REQUEST_BYTES} bytes).`, true));
    }
    return sendError(reply, started, new QdrantError(500, `Service internal error: ${error.message}`));
  });

  registerRoutes(app, state);
  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      await app.close();
    },
    collections: () => [...state.collections.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(snapshot),
    requests: () => structuredClone(log),
    clearRequests: () => {
      log.length = 0;
    },
  };
}
