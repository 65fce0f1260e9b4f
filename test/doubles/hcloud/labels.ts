/**
 * Labels and label selectors as documented in the API description ("Labels", "Label Selector"):
 * `k==v` / `k=v`, `k!=v`, `k`, `!k`, `k in (v1,v2)`, `k notin (v1,v2)`, joined by commas (AND).
 */
import { invalidField } from "./errors";
import type { Labels } from "./types";

type Requirement =
  | { readonly op: "eq" | "neq"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] }
  | { readonly op: "exists" | "absent"; readonly key: string };

export type LabelSelector = readonly Requirement[];

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,61}[a-zA-Z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function isValidLabelKey(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return NAME.test(key);
  const prefix = key.slice(0, slash);
  const name = key.slice(slash + 1);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === "" || NAME.test(value);
}

/** Validates user labels; the `hetzner.cloud/` prefix is reserved. */
export function assertValidLabels(labels: Labels | undefined): Labels {
  if (labels === undefined) return {};
  for (const [key, value] of Object.entries(labels)) {
    if (!isValidLabelKey(key) || key.startsWith("hetzner.cloud/")) throw invalidField("labels", `label key '${key}' is invalid`);
    if (!isValidLabelValue(value)) throw invalidField("labels", `label value '${value}' of key '${key}' is invalid`);
  }
  return { ...labels };
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function bad(selector: string): never {
  throw invalidField("label_selector", `invalid label selector '${selector}'`);
}

function checkedKey(key: string, selector: string): string {
  return isValidLabelKey(key) ? key : bad(selector);
}

function checkedValue(value: string, selector: string): string {
  return isValidLabelValue(value) ? value : bad(selector);
}

export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === "") return [];
  return splitTopLevel(selector).map((raw): Requirement => {
    const expr = raw.trim();
    const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(expr);
    if (set && set[1] !== undefined && set[3] !== undefined) {
      const values = set[3].split(",").map((v) => checkedValue(v.trim(), selector));
      return { op: set[2] === "in" ? "in" : "notin", key: checkedKey(set[1], selector), values };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(expr);
    if (cmp && cmp[1] !== undefined && cmp[3] !== undefined) {
      return { op: cmp[2] === "!=" ? "neq" : "eq", key: checkedKey(cmp[1], selector), value: checkedValue(cmp[3], selector) };
    }
    if (expr.startsWith("!")) return { op: "absent", key: checkedKey(expr.slice(1).trim(), selector) };
    return { op: "exists", key: checkedKey(expr, selector) };
  });
}

export function matchesSelector(labels: Labels, selector: LabelSelector): boolean {
  return selector.every((req) => {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    switch (req.op) {
      case "eq":
        return has && value === req.value;
      case "neq":
        return !has || value !== req.value;
      case "in":
        return has && value !== undefined && req.values.includes(value);
      case "notin":
        return !has || value === undefined || !req.values.includes(value);
      case "exists":
        return has;
      case "absent":
        return !has;
    }
  });
}

/** Convenience: parse + filter. An absent selector keeps everything. */
export function filterBySelector<T extends { labels: Labels }>(items: readonly T[], selector: string | null): T[] {
  if (selector === null) return [...items];
  const parsed = parseLabelSelector(selector);
  return items.filter((item) => matchesSelector(item.labels, parsed));
}
