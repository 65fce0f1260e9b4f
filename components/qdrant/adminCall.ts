import { ADMIN_CALL_TIMEOUT_MS, isQdrantTimeout, withinTimeBound } from "../timeBounds";
import { adminClient, type QdrantAdminClient } from "./adminClient";
import type { QdrantAdminSettings } from "./adminSettings";

/**
 * Runs one admin call (named `call` in errors) on a fresh admin client that aborts each request
 * after `timeoutMs`; the whole call is bounded by the same time, after which it fails with a
 * StoreTimeoutError (see ../timeBounds.ts).
 */
export function qdrantAdminCall<T>(
  settings: QdrantAdminSettings,
  call: string,
  work: (client: QdrantAdminClient) => Promise<T>,
  timeoutMs: number = ADMIN_CALL_TIMEOUT_MS,
): Promise<T> {
  return withinTimeBound({ store: "Qdrant", call, ms: timeoutMs }, () => work(adminClient(settings, timeoutMs)), { isClientTimeout: isQdrantTimeout });
}
