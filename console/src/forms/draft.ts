/**
 * A config form's state: every field as the user typed it, and the JSON the API receives. Numbers
 * stay text until sent, so a value the rules refuse reaches the validation (and its message) as
 * typed instead of being dropped.
 */
import type { ConfigSection } from "../roles";
import { FIELDS, INGRESS_PATH, type FieldSpec } from "./fields";

export interface IngressDraft {
  readonly protocol: string;
  readonly port: string;
  readonly sourceIps: string;
  readonly description: string;
}

export interface ConfigDraft {
  /** By field path: text, or a checkbox's state. */
  readonly values: Readonly<Record<string, string | boolean>>;
  readonly ingress: readonly IngressDraft[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function valueAt(config: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), config);
}

function textOf(field: FieldSpec, value: unknown): string | boolean {
  if (field.kind === "checkbox") return value === true;
  if (Array.isArray(value)) return value.map(String).join(field.kind === "lines" ? "\n" : ", ");
  return value === undefined || value === null ? "" : String(value);
}

/** The draft of a stored (or default) config. */
export function draftOf(config: unknown): ConfigDraft {
  const values = Object.fromEntries(FIELDS.map((field) => [field.path, textOf(field, valueAt(config, field.path))]));
  const rules = valueAt(config, INGRESS_PATH);
  const ingress = (Array.isArray(rules) ? rules : []).map((rule: Record<string, unknown>) => ({
    protocol: String(rule["protocol"] ?? "tcp"),
    port: rule["port"] === undefined ? "" : String(rule["port"]),
    sourceIps: Array.isArray(rule["source_ips"]) ? rule["source_ips"].map(String).join(", ") : "",
    description: typeof rule["description"] === "string" ? rule["description"] : "",
  }));
  return { values, ingress };
}

const items = (text: string, separator: RegExp): string[] => text.split(separator).map((item) => item.trim()).filter((item) => item !== "");

/** A number as typed: a finite number is sent as one, anything else as the text (the rules then name it). */
function numberOf(text: string): number | string {
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : text;
}

/** What a field sends; `undefined` when it is empty (the key is left out, or reset with null in a patch). */
function jsonOf(field: FieldSpec, value: string | boolean): Json | undefined {
  if (typeof value === "boolean") return value;
  switch (field.kind) {
    case "lines":
      return items(value, /\n/);
    case "words":
      return items(value, /[,\s]+/);
    case "number":
      return value.trim() === "" ? undefined : numberOf(value);
    default:
      return value === "" ? undefined : value;
  }
}

function setAt(target: Record<string, Json>, path: string, value: Json): void {
  const keys = path.split(".");
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    node = (typeof next === "object" && next !== null && !Array.isArray(next) ? next : (node[key] = {})) as Record<string, Json>;
  }
  node[last] = value;
}

function ingressJson(rule: IngressDraft): Json {
  const port = rule.port.trim();
  return {
    protocol: rule.protocol,
    ...(port === "" ? {} : { port: /^\d+$/.test(port) ? Number(port) : port }),
    source_ips: items(rule.sourceIps, /[,\s]+/),
    ...(rule.description.trim() === "" ? {} : { description: rule.description.trim() }),
  };
}

/**
 * The config JSON of the draft's `sections`. For a new tenant an empty field is left out (it takes
 * its default); for a merge patch (`patch`) it is null, which resets the key to its default.
 */
export function configOf(draft: ConfigDraft, sections: readonly ConfigSection[], mode: "create" | "patch"): Record<string, Json> {
  const config: Record<string, Json> = {};
  for (const field of FIELDS) {
    if (!sections.includes(field.section)) continue;
    const value = jsonOf(field, draft.values[field.path] ?? "");
    if (value !== undefined) setAt(config, field.path, value);
    else if (mode === "patch") setAt(config, field.path, null);
  }
  if (sections.includes("network")) setAt(config, INGRESS_PATH, draft.ingress.map(ingressJson));
  return config;
}
