import { qdrantAdminCall } from "./adminCall";
import { collectionInfoIfExists, qdrantReason } from "./adminClient";
import type { QdrantAdminSettings } from "./adminSettings";
import { ADMIN_CALL_TIMEOUT_MS } from "../timeBounds";
import { TOKEN_GRANTS_COLLECTION, tokenGrantMatches } from "./tokenGrant";

/** Distances Qdrant supports; tenants use Cosine. */
export type Distance = "Cosine" | "Euclid" | "Dot" | "Manhattan";

/** The parts of a Qdrant collection the provider owns. */
export interface CollectionSpec {
  readonly name: string;
  readonly vectorSize: number;
  readonly distance: Distance;
}

/** A collection as Qdrant reports it, reduced to what the provider compares. */
export interface CollectionState {
  readonly vectorSize: number | undefined;
  readonly distance: string | undefined;
  readonly pointsCount: number;
}

/** Creates the collection; refuses to adopt one that already exists, since it may hold another owner's data. */
export async function createCollection(settings: QdrantAdminSettings, spec: CollectionSpec, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await qdrantAdminCall(settings, `creating collection "${spec.name}"`, async (client) => {
    const { exists } = await client.collectionExists(spec.name);
    if (exists) throw new Error(`Qdrant collection "${spec.name}" already exists; import or delete it before creating it here`);
    try {
      await client.createCollection(spec.name, { vectors: { size: spec.vectorSize, distance: spec.distance } });
    } catch (error) {
      throw new Error(`cannot create Qdrant collection "${spec.name}": ${qdrantReason(error)}`, { cause: error });
    }
  }, timeoutMs);
}

/** Reads the collection, or undefined when it does not exist. */
export async function getCollection(settings: QdrantAdminSettings, name: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<CollectionState | undefined> {
  const info = await qdrantAdminCall(settings, `reading collection "${name}"`, (client) => collectionInfoIfExists(client, name), timeoutMs);
  if (!info) return undefined;
  const vectors = info.config.params.vectors;
  const single = vectors && "size" in vectors ? vectors : undefined;
  return { vectorSize: single?.size as number | undefined, distance: single?.distance as string | undefined, pointsCount: info.points_count ?? 0 };
}

/** Deletes the collection; one already gone is not an error. */
export async function deleteCollection(settings: QdrantAdminSettings, name: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<void> {
  await qdrantAdminCall(settings, `deleting collection "${name}"`, async (client) => {
    try {
      await client.deleteCollection(name);
    } catch (error) {
      throw new Error(`cannot delete Qdrant collection "${name}": ${qdrantReason(error)}`, { cause: error });
    }
  }, timeoutMs);
}

/**
 * Mints the tenant's Qdrant token: a JWT signed with the admin key (Qdrant's `jwt_rbac`) that grants
 * read-write on its own collection only, and is valid only while the tenant's grant point says this
 * rotation and `enabled` (see tokenGrant.ts). No `exp` and no `iat`, so the same inputs give the same
 * token and an update never churns it.
 */
export async function mintCollectionToken(adminApiKey: string, tenantId: string, collection: string, rotation: string): Promise<string> {
  const { SignJWT } = require("jose") as typeof import("jose");
  return new SignJWT({
    access: [{ collection, access: "rw" }],
    value_exists: { collection: TOKEN_GRANTS_COLLECTION, matches: tokenGrantMatches(tenantId, rotation) },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(`tenant:${tenantId}`)
    .sign(new TextEncoder().encode(adminApiKey));
}
