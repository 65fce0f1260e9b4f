import { qdrantClient } from "../qdrant/adminClient";
import { refusal, success, type ProbeResult } from "./probeTypes";

export interface QdrantProbeInput {
  readonly url: string;
  readonly token: string;
  readonly ownCollection: string;
  readonly foreignCollection: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

/** Counts the tenant's own collection with its token, then tries to read and write the neighbour's. */
export async function probeQdrant(input: QdrantProbeInput): Promise<ProbeResult> {
  const client = qdrantClient(input.url, input.token);
  const own = await success(() => client.count(input.ownCollection));
  let readStatus: number | undefined;
  const read = await refusal(() => client.count(input.foreignCollection).catch((e: unknown) => ((readStatus = statusOf(e)), Promise.reject(e))));
  let createStatus: number | undefined;
  const create = await refusal(() =>
    client.createCollection(input.foreignCollection, { vectors: { size: 4, distance: "Cosine" } }).catch((e: unknown) => ((createStatus = statusOf(e)), Promise.reject(e))),
  );
  return {
    store: "qdrant",
    ownAllowed: own.allowed,
    foreignDenied: read.denied && create.denied && readStatus === 403 && createStatus === 403,
    evidence: `own: ${own.evidence}; neighbour read: HTTP ${readStatus ?? "none"}; neighbour create: HTTP ${createStatus ?? "none"}`,
  };
}
