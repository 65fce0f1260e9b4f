/**
 * Small helpers imitating serde / validator error texts, as Qdrant (v1.19.0) renders them through
 * `src/actix/mod.rs` `validation_error_handler` and `lib/collection/src/operations/validation.rs`
 * (`describe_error`: "value X invalid, must be from A to B" / "must be A or larger").
 * serde's " at line L column C" position suffix is not reproduced.
 */
import { formatError, QdrantError, validationError } from "./envelope";
import type { JsonObject, JsonValue } from "./types";

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** serde's `Unexpected` rendering of a JSON value. */
export function describeValue(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return `boolean \`${v}\``;
  if (typeof v === "number") return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  return Array.isArray(v) ? "sequence" : "map";
}

/** `Format error in JSON body: invalid type: …, expected …`. */
export function typeError(value: JsonValue, expected: string): QdrantError {
  return formatError(`invalid type: ${describeValue(value)}, expected ${expected}`);
}

export function missingField(field: string): QdrantError {
  return formatError(`missing field \`${field}\``);
}

/** Non-negative integer (Rust usize/u64/u32). */
export function isUnsigned(v: JsonValue | undefined): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

export interface NumericRule {
  kind: "uint" | "float";
  min?: number;
  max?: number;
}

function renderNumber(n: number, kind: NumericRule["kind"]): string {
  return kind === "float" && Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/** validator's `range` message for a value outside the rule, or `undefined` if inside. */
export function rangeIssue(value: number, rule: NumericRule): string | undefined {
  const low = rule.min !== undefined && value < rule.min;
  const high = rule.max !== undefined && value > rule.max;
  if (!low && !high) return undefined;
  const r = (n: number): string => renderNumber(n, rule.kind);
  const bounds =
    rule.min !== undefined && rule.max !== undefined
      ? `must be from ${r(rule.min)} to ${r(rule.max)}`
      : rule.min !== undefined
        ? `must be ${r(rule.min)} or larger`
        : `must be ${r(rule.max ?? 0)} or smaller`;
  return `value ${r(value)} invalid, ${bounds}`;
}

/**
 * Checks an optional "diff" object (all fields optional, `null` = unset) against numeric rules; other keys pass.
 * Type errors throw a format error (400); range problems are pushed to `issues` as `prefix.field: msg` (→ 422).
 */
export function checkNumericFields(
  value: JsonValue | undefined,
  rules: Record<string, NumericRule>,
  prefix: string,
  issues: string[],
  structName: string,
): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw typeError(value, `struct ${structName}`);
  for (const [field, rule] of Object.entries(rules)) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    const ok = rule.kind === "uint" ? isUnsigned(v) : typeof v === "number";
    if (!ok) throw typeError(v, rule.kind === "uint" ? "usize" : "f64");
    const issue = rangeIssue(v as number, rule);
    if (issue !== undefined) issues.push(`${prefix}${field}: ${issue}`);
  }
  return value;
}

/** Throws the 422 validation error if any issue was collected. */
export function throwIfIssues(issues: readonly string[]): void {
  if (issues.length > 0) throw validationError("JSON body", issues);
}

/**
 * Copies the non-null entries of `diff` named in `keys` over `base` (Qdrant's `DiffConfig::update`);
 * `aliases` maps serde aliases (e.g. `indexing_threshold_kb`) to field names.
 */
export function applyDiff(
  base: JsonObject,
  diff: JsonObject | undefined,
  keys: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): JsonObject {
  const out: JsonObject = { ...base };
  if (diff === undefined) return out;
  for (const [k, v] of Object.entries(diff)) {
    const field = aliases[k] ?? k;
    if (v !== null && keys.includes(field)) out[field] = v;
  }
  return out;
}
