/**
 * Payload filters (`Filter`, `Condition`) of the Qdrant REST API, evaluated by brute force, for the test double.
 *
 * Shapes from Qdrant v1.19.0 `docs/redoc/master/openapi.json` (`Filter`, `FieldCondition`, `Match*`, `Range`,
 * `IsEmptyCondition`, `IsNullCondition`, `HasIdCondition`, `HasVectorCondition`, `NestedCondition`, `MinShould`).
 * Supported: must / should / must_not / min_should, match value|any|except|text|phrase|text_any, numeric and
 * datetime range, values_count, is_empty, is_null, has_id, has_vector, nested. Geo conditions are refused with 400.
 */
import { noVariantError, storageError } from "./envelope";
import { pointKey } from "./ids";
import type { JsonObject, JsonValue, StoredPoint } from "./types";

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Values at a payload key such as `a.b`, `a[].b`, `a[0]`; arrays at the end are flattened, as Qdrant does. */
export function valuesAt(payload: JsonValue, key: string): JsonValue[] {
  const segments = key.match(/[^.[\]]+|\[\d*\]/g) ?? [];
  let current: JsonValue[] = [payload];
  for (const segment of segments) {
    const next: JsonValue[] = [];
    for (const value of current) {
      if (segment === "[]") {
        if (Array.isArray(value)) next.push(...value);
      } else if (segment.startsWith("[")) {
        const item = Array.isArray(value) ? value[Number(segment.slice(1, -1))] : undefined;
        if (item !== undefined) next.push(item);
      } else if (isObject(value) && value[segment] !== undefined) {
        next.push(value[segment]);
      } else if (Array.isArray(value)) {
        for (const el of value) if (isObject(el) && el[segment] !== undefined) next.push(el[segment]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

const asList = (v: JsonValue | undefined): JsonValue[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** `true` if the point satisfies the filter (`undefined`/`null` filter = everything). */
export function matchesFilter(point: StoredPoint, filter: JsonValue | undefined): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isObject(filter)) throw noVariantError("Condition");
  return matchFilterOn(point, point.payload, filter);
}

function matchFilterOn(point: StoredPoint, payload: JsonObject, filter: JsonObject): boolean {
  const check = (c: JsonValue): boolean => matchCondition(point, payload, c);
  if (!asList(filter["must"]).every(check)) return false;
  if (asList(filter["must_not"]).some(check)) return false;
  const should = asList(filter["should"]);
  if (should.length > 0 && !should.some(check)) return false;
  const minShould = filter["min_should"];
  if (isObject(minShould)) {
    const conditions = asList(minShould["conditions"]);
    const minCount = typeof minShould["min_count"] === "number" ? minShould["min_count"] : 0;
    if (conditions.filter(check).length < minCount) return false;
  }
  return true;
}

function matchCondition(point: StoredPoint, payload: JsonObject, condition: JsonValue): boolean {
  if (!isObject(condition)) throw noVariantError("Condition");
  if ("must" in condition || "should" in condition || "must_not" in condition || "min_should" in condition) {
    return matchFilterOn(point, payload, condition);
  }
  if ("has_id" in condition) {
    const wanted = new Set(asList(condition["has_id"]).map((id) => pointKey(id)));
    return wanted.has(pointKey(point.id));
  }
  if ("has_vector" in condition) return point.vectors.has(String(condition["has_vector"]));
  const isEmpty = condition["is_empty"];
  if (isObject(isEmpty) && typeof isEmpty["key"] === "string") return valuesAt(payload, isEmpty["key"]).every((v) => v === null);
  const isNull = condition["is_null"];
  if (isObject(isNull) && typeof isNull["key"] === "string") return rawIsNull(payload, isNull["key"]);
  const nested = condition["nested"];
  if (isObject(nested) && typeof nested["key"] === "string" && isObject(nested["filter"])) {
    const inner = nested["filter"];
    return valuesAt(payload, nested["key"]).some((el) => isObject(el) && matchFilterOn(point, el, inner));
  }
  if (typeof condition["key"] === "string") return matchField(payload, condition["key"], condition);
  throw noVariantError("Condition");
}

function rawIsNull(payload: JsonObject, key: string): boolean {
  const parent = key.includes(".") ? valuesAt(payload, key.slice(0, key.lastIndexOf("."))) : [payload];
  const last = key.slice(key.lastIndexOf(".") + 1);
  return parent.some((p) => isObject(p) && p[last] === null);
}

function matchField(payload: JsonObject, key: string, condition: JsonObject): boolean {
  const values = valuesAt(payload, key);
  if (condition["geo_bounding_box"] !== undefined || condition["geo_radius"] !== undefined || condition["geo_polygon"] !== undefined) {
    throw storageError.badRequest("geo conditions are not supported by this test double");
  }
  if (condition["is_empty"] === true && values.some((v) => v !== null)) return false;
  if (condition["is_null"] === true && !rawIsNull(payload, key)) return false;
  const match = condition["match"];
  if (isObject(match) && !matchMatch(values, match)) return false;
  const range = condition["range"];
  if (isObject(range) && !values.some((v) => inRange(v, range))) return false;
  const count = condition["values_count"];
  if (isObject(count) && !inRange(values.length, count)) return false;
  return true;
}

function matchMatch(values: JsonValue[], match: JsonObject): boolean {
  if ("value" in match) return values.some((v) => v === match["value"]);
  if ("any" in match) return values.some((v) => asList(match["any"]).includes(v));
  if ("except" in match) {
    const except = asList(match["except"]);
    return values.length === 0 || values.some((v) => !except.includes(v));
  }
  const text = match["text"] ?? match["phrase"];
  if (typeof text === "string") return values.some((v) => typeof v === "string" && v.includes(text));
  const textAny = match["text_any"];
  if (typeof textAny === "string") {
    const words = textAny.split(/\s+/).filter((w) => w !== "");
    return values.some((v) => typeof v === "string" && words.some((w) => v.includes(w)));
  }
  throw noVariantError("Match");
}

function comparable(v: JsonValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function inRange(value: JsonValue, range: JsonObject): boolean {
  const v = comparable(value);
  if (v === undefined) return false;
  const bound = (name: string): number | undefined => comparable(range[name]);
  const gt = bound("gt");
  const gte = bound("gte");
  const lt = bound("lt");
  const lte = bound("lte");
  return (gt === undefined || v > gt) && (gte === undefined || v >= gte) && (lt === undefined || v < lt) && (lte === undefined || v <= lte);
}
