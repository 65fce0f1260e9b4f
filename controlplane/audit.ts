/**
 * Writing and reading the audit log (DESIGN §4, §5). The database assigns each event its place in
 * the tenant's chain and its hash; {@link verifyChain} recomputes every hash client-side.
 */
import type pg from "pg";
import { canonicalTimestamp, eventHash } from "./canonical";
import type { Queryable } from "./db";
import { InvalidAuditEventError, TenantNotFoundError } from "./errors";
import { type AuditEventType, isAuditEventType, isJsonObject, type JsonObject } from "../domain";
import { assertNoSecrets } from "./secretGuard";

/** One event of a tenant's audit chain, as stored. */
export interface AuditEvent {
  readonly eventId: string;
  readonly tenantId: string;
  /** Position in the tenant's chain, from 1, without gaps. */
  readonly chainSeq: number;
  readonly eventType: AuditEventType;
  /** UTC ISO-8601 with microseconds, e.g. `2025-01-31T09:05:03.040500Z`. */
  readonly occurredAt: string;
  /** Who caused the event: an operator, a service, `pulumi`. */
  readonly actor: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  /** What changed; never a secret. */
  readonly details: JsonObject;
  readonly previousEventId: string | null;
  readonly prevHash: string | null;
  readonly hash: string;
}

/** What a caller supplies to append an event; the database fills in the rest. */
export interface AppendEventInput {
  readonly tenantId: string;
  readonly eventType: AuditEventType;
  readonly actor: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly details?: JsonObject;
}

/** The outcome of {@link verifyChain}. */
export interface ChainVerification {
  readonly tenantId: string;
  readonly ok: boolean;
  /** Events examined, up to and including the first bad one. */
  readonly checked: number;
  /** The first event that breaks the chain, and why; absent when the chain is intact. */
  readonly firstBad?: { readonly eventId: string | null; readonly chainSeq: number; readonly reason: string };
}

const MAX_ACTOR_LENGTH = 200;

const EVENT_COLUMNS = `event_id, tenant_id, chain_seq, event_type, occurred_at::text AS occurred_at, actor,
  resource_type, resource_id, details::text AS details_text, previous_event_id, prev_hash, hash`;

interface EventRow {
  event_id: string;
  tenant_id: string;
  chain_seq: number;
  event_type: string;
  occurred_at: string;
  actor: string;
  resource_type: string | null;
  resource_id: string | null;
  details_text: string;
  previous_event_id: string | null;
  prev_hash: string | null;
  hash: string;
}

/** A stored event together with its details exactly as PostgreSQL renders them (for hashing). */
interface StoredEvent {
  readonly event: AuditEvent;
  readonly detailsText: string;
}

function storedEvent(row: EventRow): StoredEvent {
  const details: unknown = JSON.parse(row.details_text);
  if (!isAuditEventType(row.event_type) || !isJsonObject(details)) {
    throw new Error(`audit event ${row.event_id} has an unknown type or non-object details`);
  }
  const event: AuditEvent = {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    chainSeq: row.chain_seq,
    eventType: row.event_type,
    occurredAt: canonicalTimestamp(row.occurred_at),
    actor: row.actor,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    details,
    previousEventId: row.previous_event_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  return { event, detailsText: row.details_text };
}

/** Returns the trimmed actor, or throws when it is empty or too long; `what` names the event asked for. */
export function assertActor(actor: unknown, what: string): string {
  const trimmed = typeof actor === "string" ? actor.trim() : "";
  if (trimmed === "" || trimmed.length > MAX_ACTOR_LENGTH) {
    throw new InvalidAuditEventError(`${what} needs an actor of 1–${MAX_ACTOR_LENGTH} characters`);
  }
  return trimmed;
}

/** Throws unless `details` is a JSON object free of secret-looking keys and values. */
export function assertEventDetails(details: unknown): asserts details is JsonObject {
  if (!isJsonObject(details)) throw new InvalidAuditEventError("details must be a JSON object");
  assertNoSecrets(details, "details");
}

/**
 * Appends one event on the given connection. An event that records a change belongs in the
 * transaction that makes the change (TenantRegistry does this for every change it makes).
 * Refuses an empty actor and secret-looking details before any SQL.
 */
export async function appendEvent(db: Queryable, input: AppendEventInput): Promise<AuditEvent> {
  if (!isAuditEventType(input.eventType)) throw new InvalidAuditEventError(`event type ${JSON.stringify(input.eventType)} is not a DESIGN §5 event`);
  const actor = assertActor(input.actor, `tenant "${input.tenantId}": ${input.eventType}`);
  const details = input.details ?? {};
  assertEventDetails(details);
  const result = await db.query<EventRow>(
    `INSERT INTO audit_events (tenant_id, event_type, actor, resource_type, resource_id, details)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${EVENT_COLUMNS}`,
    [input.tenantId, input.eventType, actor, input.resourceType ?? null, input.resourceId ?? null, JSON.stringify(details)],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error("INSERT INTO audit_events returned no row");
  return storedEvent(row).event;
}

async function readChain(pool: pg.Pool, tenantId: string): Promise<StoredEvent[]> {
  const [tenant, events] = await Promise.all([
    pool.query("SELECT 1 FROM tenants WHERE tenant_id = $1", [tenantId]),
    pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE tenant_id = $1 ORDER BY chain_seq`, [tenantId]),
  ]);
  if (tenant.rowCount === 0 && events.rowCount === 0) throw new TenantNotFoundError(tenantId);
  return events.rows.map(storedEvent);
}

/** A tenant's events in chain order. */
export async function listEvents(pool: pg.Pool, tenantId: string): Promise<AuditEvent[]> {
  return (await readChain(pool, tenantId)).map((stored) => stored.event);
}

/** Why one event breaks the chain after `previous`, or undefined when it holds. */
function chainLinkProblem(stored: StoredEvent, previous: AuditEvent | undefined): string | undefined {
  const { event } = stored;
  const expectedSeq = (previous?.chainSeq ?? 0) + 1;
  if (event.chainSeq !== expectedSeq) {
    return `chain position ${event.chainSeq} where ${expectedSeq} was expected: an event is missing or was moved`;
  }
  if (previous === undefined && event.eventType !== "TENANT_CREATED") return `the chain starts with ${event.eventType}, not TENANT_CREATED`;
  const expectedPrevious = previous?.eventId ?? null;
  if (event.previousEventId !== expectedPrevious) {
    return `previous_event_id is ${event.previousEventId ?? "NULL"} but the event before is ${expectedPrevious ?? "none"}`;
  }
  if (event.prevHash !== (previous?.hash ?? null)) return "prev_hash is not the hash of the event before";
  const recomputed = eventHash({ ...event, detailsText: stored.detailsText });
  if (recomputed !== event.hash) return `hash does not match the event's content (stored ${event.hash}, recomputed ${recomputed})`;
  return undefined;
}

/** A tenant's events as read in one query, and what {@link verifyChain} found in them. */
export interface VerifiedChain {
  readonly verification: ChainVerification;
  /** Every stored event in chain order, the bad ones included. */
  readonly events: readonly AuditEvent[];
}

function verifyStoredChain(tenantId: string, chain: readonly StoredEvent[]): ChainVerification {
  if (chain.length === 0) {
    return { tenantId, ok: false, checked: 0, firstBad: { eventId: null, chainSeq: 1, reason: "the chain is empty: TENANT_CREATED is missing" } };
  }
  let previous: AuditEvent | undefined;
  for (const [index, stored] of chain.entries()) {
    const reason = chainLinkProblem(stored, previous);
    if (reason !== undefined) {
      return { tenantId, ok: false, checked: index + 1, firstBad: { eventId: stored.event.eventId, chainSeq: stored.event.chainSeq, reason } };
    }
    previous = stored.event;
  }
  return { tenantId, ok: true, checked: chain.length };
}

/**
 * Reads a tenant's chain once and verifies it, returning the events too, so a caller that signs
 * or compares the head (auditCheckpoint/) uses exactly the events that were verified.
 */
export async function readVerifiedChain(pool: pg.Pool, tenantId: string): Promise<VerifiedChain> {
  const chain = await readChain(pool, tenantId);
  return { verification: verifyStoredChain(tenantId, chain), events: chain.map((stored) => stored.event) };
}

/**
 * Walks a tenant's chain from its first event and recomputes every hash with the canonical
 * format of canonical.ts. Reports the first event that breaks it.
 */
export async function verifyChain(pool: pg.Pool, tenantId: string): Promise<ChainVerification> {
  return (await readVerifiedChain(pool, tenantId)).verification;
}
