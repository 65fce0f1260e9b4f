/**
 * A verified chain against a signed checkpoint. The chain's own links (audit.ts) prove that no
 * event inside it was changed without recomputing the hashes after it; the checkpoint proves that
 * the chain still holds, at the signed position, the event with the signed hash, so removing the
 * newest events, recomputing every hash, or inserting an event before that position is caught.
 */
import type { AuditEvent } from "../audit";
import type { ChainHead, CheckpointPayload } from "./format";

/** The outcome of {@link compareWithCheckpoint}. */
export type CheckpointComparison =
  | { readonly ok: true; /** Events after the checkpoint, which no checkpoint covers yet. */ readonly uncovered: number }
  | { readonly ok: false; readonly reason: string };

/** How a message names a checkpoint: its object and when it was signed. */
export function describeCheckpoint(name: string, payload: CheckpointPayload): string {
  return `checkpoint ${name} (chain position ${payload.chain_seq}, signed at ${payload.signed_at} by ${payload.key_id})`;
}

/** The newest event of an intact chain, or undefined for an empty one. */
export function chainHead(events: readonly AuditEvent[]): ChainHead | undefined {
  const last = events.at(-1);
  return last && { tenantId: last.tenantId, chainSeq: last.chainSeq, eventId: last.eventId, hash: last.hash, occurredAt: last.occurredAt };
}

/**
 * Compares `events` (a chain that verified intact, in order from position 1) with the checkpoint
 * stored as `name`.
 */
export function compareWithCheckpoint(tenantId: string, events: readonly AuditEvent[], name: string, payload: CheckpointPayload): CheckpointComparison {
  const checkpoint = describeCheckpoint(name, payload);
  if (payload.tenant_id !== tenantId) return { ok: false, reason: `${checkpoint} is the checkpoint of tenant "${payload.tenant_id}", not of "${tenantId}"` };
  if (events.length < payload.chain_seq) {
    return {
      ok: false,
      reason: `the chain has ${events.length} event(s) but ${checkpoint} covers ${payload.chain_seq}: the newest events were removed`,
    };
  }
  const event = events[payload.chain_seq - 1];
  if (event === undefined || event.chainSeq !== payload.chain_seq) {
    return { ok: false, reason: `the chain has no event at position ${payload.chain_seq}, which ${checkpoint} covers` };
  }
  if (event.eventId !== payload.head_event_id || event.hash !== payload.head_hash) {
    return {
      ok: false,
      reason:
        `at chain position ${payload.chain_seq} the chain holds event ${event.eventId} with hash ${event.hash}, but ${checkpoint} ` +
        `signed event ${payload.head_event_id} with hash ${payload.head_hash}: the events up to that position were rewritten, removed or inserted`,
    };
  }
  return { ok: true, uncovered: events.length - payload.chain_seq };
}
