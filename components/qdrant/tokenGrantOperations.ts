/** Reads and writes tenants' grant points in the platform collection (see tokenGrant.ts). */
import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";
import { qdrantAdminCall } from "./adminCall";
import type { QdrantAdminSettings } from "./adminSettings";
import { collectionInfoIfExists, qdrantReason, type QdrantAdminClient } from "./adminClient";
import { TOKEN_GRANTS_COLLECTION, TOKEN_GRANTS_INDEXED_FIELD, TOKEN_GRANTS_VECTOR, tokenGrantPointId, type TokenGrantPayload } from "./tokenGrant";

/**
 * Creates the grants collection when it is missing, and its payload index when that is missing
 * (grant collections made before the index existed get it on their next write). Another stack
 * doing the same at the same time is fine: both requests are idempotent in Qdrant.
 */
export async function ensureTokenGrantsCollection(settings: QdrantAdminSettings, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await qdrantAdminCall(settings, `preparing collection "${TOKEN_GRANTS_COLLECTION}"`, (client) => ensureGrantsCollection(client), timeoutMs);
}

async function ensureGrantsCollection(client: QdrantAdminClient): Promise<void> {
  try {
    const indexed = await grantsCollectionIndexed(client);
    if (indexed === undefined) await createGrantsCollection(client);
    if (indexed !== true) {
      await client.createPayloadIndex(TOKEN_GRANTS_COLLECTION, { field_name: TOKEN_GRANTS_INDEXED_FIELD, field_schema: "keyword", wait: true });
    }
  } catch (error) {
    throw new Error(`cannot prepare the Qdrant collection "${TOKEN_GRANTS_COLLECTION}": ${qdrantReason(error)}`, { cause: error });
  }
}

/** Whether the grants collection has its payload index; undefined when the collection is missing. */
async function grantsCollectionIndexed(client: QdrantAdminClient): Promise<boolean | undefined> {
  const info = await collectionInfoIfExists(client, TOKEN_GRANTS_COLLECTION);
  return info && TOKEN_GRANTS_INDEXED_FIELD in (info.payload_schema ?? {});
}

async function createGrantsCollection(client: QdrantAdminClient): Promise<void> {
  try {
    await client.createCollection(TOKEN_GRANTS_COLLECTION, { vectors: { ...TOKEN_GRANTS_VECTOR } });
  } catch (error) {
    // Another stack created it first.
    if (!(await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) throw error;
  }
}

/** Writes (or overwrites) the tenant's grant point and waits until Qdrant applied it. */
export async function putTokenGrant(settings: QdrantAdminSettings, payload: TokenGrantPayload, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<string> {
  const id = tokenGrantPointId(payload.tenant_id);
  await qdrantAdminCall(
    settings,
    `writing the token grant of tenant "${payload.tenant_id}"`,
    async (client) => {
      await ensureGrantsCollection(client);
      try {
        await client.upsert(TOKEN_GRANTS_COLLECTION, { wait: true, points: [{ id, vector: [1], payload: { ...payload } }] });
      } catch (error) {
        throw new Error(`cannot write the Qdrant token grant of tenant "${payload.tenant_id}": ${qdrantReason(error)}`, { cause: error });
      }
    },
    timeoutMs,
  );
  return id;
}

/** The tenant's grant as Qdrant holds it, or undefined when the point (or the collection) is gone. */
export async function readTokenGrant(settings: QdrantAdminSettings, tenantId: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<Partial<TokenGrantPayload> | undefined> {
  return qdrantAdminCall(
    settings,
    `reading the token grant of tenant "${tenantId}"`,
    async (client) => {
      if (!(await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return undefined;
      const [point] = await client.retrieve(TOKEN_GRANTS_COLLECTION, { ids: [tokenGrantPointId(tenantId)], with_payload: true, with_vector: false });
      return point ? ((point.payload ?? {}) as Partial<TokenGrantPayload>) : undefined;
    },
    timeoutMs,
  );
}

/** Deletes the tenant's grant point, which revokes every token it ever had; a missing one is fine. */
export async function deleteTokenGrant(settings: QdrantAdminSettings, tenantId: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await qdrantAdminCall(
    settings,
    `deleting the token grant of tenant "${tenantId}"`,
    async (client) => {
      if (!(await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return;
      try {
        await client.delete(TOKEN_GRANTS_COLLECTION, { wait: true, points: [tokenGrantPointId(tenantId)] });
      } catch (error) {
        throw new Error(`cannot delete the Qdrant token grant of tenant "${tenantId}": ${qdrantReason(error)}`, { cause: error });
      }
    },
    timeoutMs,
  );
}
