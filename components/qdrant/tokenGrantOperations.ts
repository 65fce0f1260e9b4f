/** Reads and writes tenants' grant points in the platform collection (see tokenGrant.ts). */
import type { QdrantAdminSettings } from "./adminSettings";
import { adminClient, qdrantReason } from "./adminClient";
import { TOKEN_GRANTS_COLLECTION, TOKEN_GRANTS_VECTOR, tokenGrantPointId, type TokenGrantPayload } from "./tokenGrant";

/** Creates the grants collection when it is missing; another stack creating it at the same time is fine. */
export async function ensureTokenGrantsCollection(settings: QdrantAdminSettings): Promise<void> {
  const client = adminClient(settings);
  if ((await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return;
  try {
    await client.createCollection(TOKEN_GRANTS_COLLECTION, { vectors: { ...TOKEN_GRANTS_VECTOR } });
  } catch (error) {
    if ((await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return;
    throw new Error(`cannot create the Qdrant collection "${TOKEN_GRANTS_COLLECTION}": ${qdrantReason(error)}`, { cause: error });
  }
}

/** Writes (or overwrites) the tenant's grant point and waits until Qdrant applied it. */
export async function putTokenGrant(settings: QdrantAdminSettings, payload: TokenGrantPayload): Promise<string> {
  await ensureTokenGrantsCollection(settings);
  const id = tokenGrantPointId(payload.tenant_id);
  try {
    await adminClient(settings).upsert(TOKEN_GRANTS_COLLECTION, { wait: true, points: [{ id, vector: [1], payload: { ...payload } }] });
  } catch (error) {
    throw new Error(`cannot write the Qdrant token grant of tenant "${payload.tenant_id}": ${qdrantReason(error)}`, { cause: error });
  }
  return id;
}

/** The tenant's grant as Qdrant holds it, or undefined when the point (or the collection) is gone. */
export async function readTokenGrant(settings: QdrantAdminSettings, tenantId: string): Promise<Partial<TokenGrantPayload> | undefined> {
  const client = adminClient(settings);
  if (!(await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return undefined;
  const [point] = await client.retrieve(TOKEN_GRANTS_COLLECTION, { ids: [tokenGrantPointId(tenantId)], with_payload: true, with_vector: false });
  return point ? ((point.payload ?? {}) as Partial<TokenGrantPayload>) : undefined;
}

/** Deletes the tenant's grant point, which revokes every token it ever had; a missing one is fine. */
export async function deleteTokenGrant(settings: QdrantAdminSettings, tenantId: string): Promise<void> {
  const client = adminClient(settings);
  if (!(await client.collectionExists(TOKEN_GRANTS_COLLECTION)).exists) return;
  try {
    await client.delete(TOKEN_GRANTS_COLLECTION, { wait: true, points: [tokenGrantPointId(tenantId)] });
  } catch (error) {
    throw new Error(`cannot delete the Qdrant token grant of tenant "${tenantId}": ${qdrantReason(error)}`, { cause: error });
  }
}
