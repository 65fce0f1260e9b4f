/**
 * Container main of the Qdrant TEST image. It runs the Qdrant REST API double (test/doubles/qdrant)
 * configured the way the official qdrant image is, through the environment contract
 * components/offline/qdrant.ts relies on:
 *
 * - `QDRANT__SERVICE__API_KEY` (required here), `QDRANT__SERVICE__ALT_API_KEY`,
 *   `QDRANT__SERVICE__READ_ONLY_API_KEY`, `QDRANT__SERVICE__JWT_RBAC`;
 * - `QDRANT__SERVICE__HOST` (default 0.0.0.0) and `QDRANT__SERVICE__HTTP_PORT` (default 6333);
 * - `QDRANT__STORAGE__STORAGE_PATH` (default ./storage): the collections are saved there and
 *   loaded back on the next start (see persistence.ts);
 * - `QDRANT_INIT_FILE_PATH` (default ./.qdrant-initialized): written once the server is up, as
 *   Qdrant does.
 *
 * The double listens on 127.0.0.1 inside the container; the published address is a plain TCP
 * relay opened only after the saved collections are back, so a client (and the health check's
 * `GET /readyz`) never sees an empty store that is about to fill. Any other `QDRANT__*` setting
 * is reported as ignored on stderr.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { connect, createServer, type Server } from "node:net";
import { startQdrantApiDouble, type QdrantApiDouble } from "../../test/doubles/qdrant/server";
import { loadCollections, restoreCollections, saveCollections } from "./persistence";

const HONOURED = new Set([
  "QDRANT__SERVICE__API_KEY",
  "QDRANT__SERVICE__ALT_API_KEY",
  "QDRANT__SERVICE__READ_ONLY_API_KEY",
  "QDRANT__SERVICE__JWT_RBAC",
  "QDRANT__SERVICE__HOST",
  "QDRANT__SERVICE__HTTP_PORT",
  "QDRANT__STORAGE__STORAGE_PATH",
  // Accepted: the double takes no snapshots and sends no telemetry.
  "QDRANT__STORAGE__SNAPSHOTS_PATH",
  "QDRANT__TELEMETRY_DISABLED",
]);
/** How often the collections are compared with what was saved last. */
const SAVE_INTERVAL_MS = 200;

function setting(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`qdrant test image: ${name} must be set`);
  return value;
}

function port(name: string, fallback: string): number {
  const text = setting(name, fallback);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`qdrant test image: ${name} must be a port (1-65535), not ${text}`);
  return value;
}

function flag(name: string, fallback: string): boolean {
  const text = setting(name, fallback).toLowerCase();
  if (text !== "true" && text !== "false") throw new Error(`qdrant test image: ${name} must be true or false, not ${text}`);
  return text === "true";
}

/** Relays every connection to the double on loopback. */
function relay(host: string, listenPort: number, targetPort: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, host, () => resolve(server));
  });
}

/** Saves the collections whenever they differ from the last save; returns the final flush. */
function keepSaved(double: QdrantApiDouble, storagePath: string, saved: string): () => Promise<void> {
  let last = saved;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    double.clearRequests();
    const collections = double.collections();
    const text = JSON.stringify(collections);
    if (text === last) return writing;
    last = text;
    writing = writing.then(() => saveCollections(storagePath, collections));
    return writing;
  };
  const timer = setInterval(() => {
    flush().catch((error: unknown) => {
      console.error(`qdrant test image: saving the collections failed: ${String(error)}`);
      process.exit(1);
    });
  }, SAVE_INTERVAL_MS);
  return async () => {
    clearInterval(timer);
    await flush();
  };
}

async function main(): Promise<void> {
  for (const name of Object.keys(process.env).filter((key) => key.startsWith("QDRANT__") && !HONOURED.has(key)).sort()) {
    console.error(`qdrant test image: ${name} is not implemented by the API double and is ignored`);
  }
  const apiKey = setting("QDRANT__SERVICE__API_KEY");
  const storagePath = setting("QDRANT__STORAGE__STORAGE_PATH", "./storage");
  await mkdir(storagePath, { recursive: true });
  const saved = await loadCollections(storagePath);

  const double = await startQdrantApiDouble({
    apiKey,
    jwtRbac: flag("QDRANT__SERVICE__JWT_RBAC", "false"),
    ...(process.env["QDRANT__SERVICE__ALT_API_KEY"] ? { altApiKey: process.env["QDRANT__SERVICE__ALT_API_KEY"] } : {}),
    ...(process.env["QDRANT__SERVICE__READ_ONLY_API_KEY"] ? { readOnlyApiKey: process.env["QDRANT__SERVICE__READ_ONLY_API_KEY"] } : {}),
  });
  await restoreCollections(double.url, apiKey, saved);
  const finalFlush = keepSaved(double, storagePath, JSON.stringify(double.collections()));

  const server = await relay(setting("QDRANT__SERVICE__HOST", "0.0.0.0"), port("QDRANT__SERVICE__HTTP_PORT", "6333"), double.port);
  await writeFile(setting("QDRANT_INIT_FILE_PATH", "./.qdrant-initialized"), "");
  console.log(`qdrant test image: API double listening on ${String(server.address() && JSON.stringify(server.address()))}, ${saved.length} collection(s) restored`);

  const stop = async (signal: string) => {
    console.log(`qdrant test image: ${signal}, saving and stopping`);
    server.close();
    await finalFlush();
    await double.close();
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, (s) => void stop(s));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
