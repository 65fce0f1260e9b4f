/**
 * The canonical text of an audit event and its hash (DESIGN §4). The database's BEFORE INSERT
 * trigger (migrations/002, `audit_event_canonical`) builds the same text; `verifyChain` rebuilds
 * it here so a chain is checked without trusting the database's own functions.
 *
 * Format: twelve fields joined by `|`, in this order:
 *   `frostbyte-audit-v1`, event_id, tenant_id, chain_seq, event_type, occurred_at, actor,
 *   resource_type, resource_id, details, previous_event_id, prev_hash
 * Each field is escaped: `\` → `\\`, `|` → `\|`; SQL NULL is `\N`. occurred_at is UTC ISO-8601
 * with exactly six fractional digits (`2025-01-31T09:05:03.040500Z`); details is PostgreSQL's
 * `jsonb` text output of the stored value. hash = lower-case hex SHA-256 of the UTF-8 bytes.
 */
import { createHash } from "node:crypto";

/** The first field of every canonical text; a new format gets a new tag. */
export const CANONICAL_FORMAT_TAG = "frostbyte-audit-v1";

/** The fields the canonical text is built from, as text (details as stored `jsonb` text). */
export interface CanonicalEventFields {
  readonly eventId: string;
  readonly tenantId: string;
  readonly chainSeq: number;
  readonly eventType: string;
  /** UTC, ISO-8601, six fractional digits, `Z`. */
  readonly occurredAt: string;
  readonly actor: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  /** PostgreSQL's text rendering of the stored `details` jsonb. */
  readonly detailsText: string;
  readonly previousEventId: string | null;
  readonly prevHash: string | null;
}

/** Escapes one field so the `|`-joined text can be split back unambiguously. */
export function canonicalField(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

export function canonicalEvent(fields: CanonicalEventFields): string {
  return [
    CANONICAL_FORMAT_TAG,
    fields.eventId,
    fields.tenantId,
    String(fields.chainSeq),
    fields.eventType,
    fields.occurredAt,
    fields.actor,
    fields.resourceType,
    fields.resourceId,
    fields.detailsText,
    fields.previousEventId,
    fields.prevHash,
  ]
    .map(canonicalField)
    .join("|");
}

/** Lower-case hex SHA-256 of the canonical text's UTF-8 bytes. */
export function eventHash(fields: CanonicalEventFields): string {
  return createHash("sha256").update(canonicalEvent(fields), "utf8").digest("hex");
}

const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/**
 * Converts PostgreSQL's ISO text of a `timestamptz` (any session time zone, e.g.
 * `2025-01-31 10:05:03.0405+01`) to the canonical UTC form, keeping every microsecond.
 */
export function canonicalTimestamp(pgText: string): string {
  const match = PG_TIMESTAMPTZ.exec(pgText);
  if (!match) {
    throw new Error(`timestamp ${JSON.stringify(pgText)} is not PostgreSQL ISO output (is the session DateStyle ISO?)`);
  }
  const [, year, month, day, hour, minute, second, fraction = "", sign, offsetHours, offsetMinutes = "0", offsetSeconds = "0"] = match;
  const offset = (sign === "-" ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60 + Number(offsetSeconds));
  const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const utcSeconds = new Date(local - offset * 1000).toISOString().slice(0, 19);
  return `${utcSeconds}.${fraction.padEnd(6, "0")}Z`;
}
