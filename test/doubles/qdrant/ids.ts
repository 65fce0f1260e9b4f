/**
 * Point ids (`ExtendedPointId`: u64 or UUID), for the Qdrant test double.
 * Qdrant (v1.19.0, `lib/segment/src/types.rs` `ExtendedPointId`) orders numeric ids before UUIDs and renders
 * UUIDs lower-case hyphenated; the uuid crate accepts simple, hyphenated, braced and `urn:uuid:` forms.
 */
import type { JsonValue, PointId } from "./types";

const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIMPLE = /^[0-9a-f]{32}$/;

/** The canonical id, or `undefined` if `value` is not a valid `ExtendedPointId`. */
export function parsePointId(value: JsonValue | undefined): PointId | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  let s = value.toLowerCase();
  if (s.startsWith("urn:uuid:")) s = s.slice("urn:uuid:".length);
  else if (s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1);
  if (HYPHENATED.test(s)) return s;
  if (SIMPLE.test(s)) return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  return undefined;
}

/** A map key for an id (or for any JSON value that might be one; invalid ids never match a stored point). */
export function pointKey(id: JsonValue | undefined): string {
  const parsed = parsePointId(id);
  if (parsed === undefined) return `invalid:${JSON.stringify(id ?? null)}`;
  return typeof parsed === "number" ? `n:${parsed}` : `u:${parsed}`;
}

/** Qdrant's id order: numbers ascending, then UUIDs. */
export function comparePointIds(a: PointId, b: PointId): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
