import type { QdrantAdminSettings } from "./adminSettings";

/** The Qdrant REST client, as a type only: the module is loaded on first use. */
export type QdrantAdminClient = import("@qdrant/js-client-rest").QdrantClient;

/** A fresh client per call: this code also runs in a dynamic provider's own process after serialisation. */
export function adminClient(settings: QdrantAdminSettings): QdrantAdminClient {
  const { QdrantClient } = require("@qdrant/js-client-rest") as typeof import("@qdrant/js-client-rest");
  return new QdrantClient({ url: settings.url, apiKey: settings.apiKey, checkCompatibility: false });
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
