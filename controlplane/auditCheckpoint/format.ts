/**
 * A checkpoint: a tenant's audit chain head (tenant id, chain position, event id, hash, time),
 * signed with an Ed25519 key the database never holds.
 *
 * Object body (JSON): `{ "payload": "<payload JSON text>", "signature": "<base64 Ed25519 signature of
 * the payload text's UTF-8 bytes>" }`. The payload is kept as text so the signed bytes are exactly the
 * stored ones; it holds the fields of {@link CheckpointPayload}, `format` first.
 */
import { sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { CheckpointFormatError } from "./errors";

/** The first field of every payload; a new format gets a new tag. */
export const CHECKPOINT_FORMAT = "frostbyte-audit-checkpoint-v1";

/** Where every checkpoint object lives in the bucket: `checkpoints/<tenant id>/`. */
export const CHECKPOINT_PREFIX = "checkpoints/";

/** The newest event of a tenant's chain, as a checkpoint records it. */
export interface ChainHead {
  readonly tenantId: string;
  readonly chainSeq: number;
  readonly eventId: string;
  readonly hash: string;
  /** The event's occurred_at, canonical UTC (canonical.ts). */
  readonly occurredAt: string;
}

const payloadSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  tenant_id: z.string().min(1),
  chain_seq: z.number().int().min(1),
  head_event_id: z.uuid(),
  head_hash: z.string().regex(/^[0-9a-f]{64}$/),
  head_occurred_at: z.string().min(1),
  signed_at: z.iso.datetime(),
  key_id: z.string().regex(/^ed25519:[0-9a-f]{32}$/),
});

/** What a checkpoint says, as signed. */
export type CheckpointPayload = z.infer<typeof payloadSchema>;

const bodySchema = z.strictObject({ payload: z.string().min(1), signature: z.base64() });

/** The payload for `head`, signed at `signedAt` by the key `keyId`. */
export function checkpointPayload(head: ChainHead, signedAt: Date, keyId: string): CheckpointPayload {
  return {
    format: CHECKPOINT_FORMAT,
    tenant_id: head.tenantId,
    chain_seq: head.chainSeq,
    head_event_id: head.eventId,
    head_hash: head.hash,
    head_occurred_at: head.occurredAt,
    signed_at: signedAt.toISOString(),
    key_id: keyId,
  };
}

/** The object body: the payload text and its Ed25519 signature. */
export function signCheckpoint(payload: CheckpointPayload, privateKey: KeyObject): string {
  const text = JSON.stringify(payloadSchema.parse(payload));
  const signature = sign(null, Buffer.from(text, "utf8"), privateKey).toString("base64");
  return `${JSON.stringify({ payload: text, signature })}\n`;
}

/**
 * Checks the body's signature with the public key its payload names (`keys` by key id) and returns
 * the payload. Throws {@link CheckpointFormatError} saying what is wrong; `where` names the object.
 */
export function openCheckpoint(body: string, keys: ReadonlyMap<string, KeyObject>, where: string): CheckpointPayload {
  let outer: z.infer<typeof bodySchema>;
  let payload: CheckpointPayload;
  try {
    outer = bodySchema.parse(JSON.parse(body));
    payload = payloadSchema.parse(JSON.parse(outer.payload));
  } catch (error) {
    throw new CheckpointFormatError(where, `is not a ${CHECKPOINT_FORMAT} checkpoint (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  const key = keys.get(payload.key_id);
  if (key === undefined) {
    throw new CheckpointFormatError(where, `is signed by key ${payload.key_id}, which is not among the verification keys (${[...keys.keys()].join(", ") || "none"})`);
  }
  if (!verify(null, Buffer.from(outer.payload, "utf8"), key, Buffer.from(outer.signature, "base64"))) {
    throw new CheckpointFormatError(where, `has a signature that key ${payload.key_id} does not verify: the checkpoint was altered or forged`);
  }
  return payload;
}

/** `20250131T090503.040Z` from an ISO time: sortable and free of `:`. */
function compactTime(iso: string): string {
  return iso.replace(/[-:]/g, "");
}

/** `checkpoints/<tenant>/<chain position, 10 digits>-<signed at>.json`: names sort by position, then time. */
export function checkpointObjectName(payload: CheckpointPayload): string {
  return `${tenantCheckpointPrefix(payload.tenant_id)}${String(payload.chain_seq).padStart(10, "0")}-${compactTime(payload.signed_at)}.json`;
}

/** The prefix under which a tenant's checkpoints live. */
export function tenantCheckpointPrefix(tenantId: string): string {
  return `${CHECKPOINT_PREFIX}${tenantId}/`;
}

/**
 * Throws unless the object's name is the one its payload gives it: a valid checkpoint copied over
 * a newer name (to pass off an older head as the latest) is refused here.
 */
export function assertNameMatches(name: string, payload: CheckpointPayload): void {
  const expected = checkpointObjectName(payload);
  if (name !== expected) {
    throw new CheckpointFormatError(name, `holds the checkpoint of ${payload.tenant_id} at chain position ${payload.chain_seq} signed at ${payload.signed_at}, whose name is ${expected}: it was copied under another name`);
  }
}
