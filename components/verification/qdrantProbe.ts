import { qdrantClient } from "../qdrant/adminClient";
import { boundedCalls, isQdrantTimeout, PROBE_CALL_TIMEOUT_MS } from "../timeBounds";
import { refusal, success, type ProbeResult } from "./probeTypes";

export interface QdrantProbeInput {
  readonly url: string;
  readonly token: string;
  readonly ownCollection: string;
  readonly foreignCollection: string;
  /** How long each request may wait for an answer (default {@link PROBE_CALL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

/**
 * Counts the tenant's own collection with its token, then tries to read and write the neighbour's.
 * The client aborts a request with no answer within the bound; the probe then ends with a StoreTimeoutError.
 */
export async function probeQdrant(input: QdrantProbeInput): Promise<ProbeResult> {
  const ms = input.timeoutMs ?? PROBE_CALL_TIMEOUT_MS;
  const client = qdrantClient(input.url, input.token, ms);
  const bounded = boundedCalls("Qdrant", ms, { isClientTimeout: isQdrantTimeout }, "isolation probe");
  const own = await success(() => bounded(`count ${input.ownCollection}`, () => client.count(input.ownCollection)));
  let readStatus: number | undefined;
  const read = await refusal(() =>
    bounded(`count ${input.foreignCollection}`, () => client.count(input.foreignCollection).catch((e: unknown) => ((readStatus = statusOf(e)), Promise.reject(e)))),
  );
  let createStatus: number | undefined;
  const create = await refusal(() =>
    bounded(`create collection ${input.foreignCollection}`, () =>
      client.createCollection(input.foreignCollection, { vectors: { size: 4, distance: "Cosine" } }).catch((e: unknown) => ((createStatus = statusOf(e)), Promise.reject(e))),
    ),
  );
  return {
    store: "qdrant",
    ownAllowed: own.allowed,
    foreignDenied: read.denied && create.denied && readStatus === 403 && createStatus === 403,
    evidence: `own: ${own.evidence}; neighbour read: HTTP ${readStatus ?? "none"}; neighbour create: HTTP ${createStatus ?? "none"}`,
  };
}
