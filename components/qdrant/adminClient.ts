import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";
import type { QdrantAdminSettings } from "./adminSettings";
import { warnOncePerProcess } from "./plainHttpWarning";

/** The Qdrant REST client, as a type only: the module is loaded on first use. */
export type QdrantAdminClient = import("@qdrant/js-client-rest").QdrantClient;

/**
 * A fresh client for `url` that sends `apiKey` (the admin key or a tenant's token). The key goes in
 * the `api-key` header directly, as the client's own `apiKey` option would put it, because that
 * option also prints "Api key is used with unsecure connection" for every client on an http URL;
 * plainHttpWarning.ts warns instead, once and only off loopback.
 */
export function qdrantClient(url: string, apiKey: string, timeoutMs: number = ADMIN_CALL_TIMEOUT_MS): QdrantAdminClient {
  warnOncePerProcess(url);
  const { QdrantClient } = require("@qdrant/js-client-rest") as typeof import("@qdrant/js-client-rest");
  // `timeout` aborts each request that has no answer by then (see ../timeBounds.ts).
  return new QdrantClient({ url, headers: { "api-key": apiKey }, checkCompatibility: false, timeout: timeoutMs });
}

/** A fresh admin client per call: this code runs in the dynamic provider host, loaded by path. */
export function adminClient(settings: QdrantAdminSettings, timeoutMs: number = ADMIN_CALL_TIMEOUT_MS): QdrantAdminClient {
  return qdrantClient(settings.url, settings.apiKey, timeoutMs);
}

/** The collection's info, or undefined when it does not exist. */
export async function collectionInfoIfExists(client: QdrantAdminClient, name: string): Promise<Awaited<ReturnType<QdrantAdminClient["getCollection"]>> | undefined> {
  if (!(await client.collectionExists(name)).exists) return undefined;
  return client.getCollection(name);
}

/** Qdrant's client throws errors whose message is the status text; its body holds the reason. */
export function qdrantReason(error: unknown): string {
  const data = (error as { data?: { status?: { error?: string } } }).data;
  return data?.status?.error ?? (error as Error).message;
}
