/**
 * The tenant config's fields as the forms show them (DESIGN §6), by section. Each field's `path` is
 * its place in the config, which is also where the API's and the domain's problems point
 * (`config.<path>`), so every problem lands next to its own field.
 */
import { HETZNER_LOCATIONS } from "../../../domain";
import type { ConfigSection } from "../roles";

export type FieldKind =
  /** One of `options`. */
  | "select"
  | "checkbox"
  | "number"
  | "text"
  /** A list, one item per line. */
  | "lines"
  /** A list, items separated by commas or spaces. */
  | "words";

export interface FieldSpec {
  readonly path: string;
  readonly section: ConfigSection;
  readonly label: string;
  readonly kind: FieldKind;
  readonly options?: readonly string[];
  readonly hint?: string;
  /** For numbers: the input's step. */
  readonly step?: string;
}

export const SECTION_TITLES: Readonly<Record<ConfigSection, string>> = {
  pii: "Personal data",
  classification: "Classification",
  injection: "Prompt injection",
  mime_allowlist: "Accepted file types",
  generation_enabled: "Generation",
  retention_days: "Retention",
  embedding: "Embedding",
  server: "Server",
  network: "Network",
  quotas: "Quotas",
};

export const FIELDS: readonly FieldSpec[] = [
  { path: "pii.mode", section: "pii", label: "PII handling", kind: "select", options: ["redact", "flag", "block"] },
  { path: "classification.enabled", section: "classification", label: "Classify documents", kind: "checkbox" },
  { path: "classification.labels", section: "classification", label: "Labels", kind: "words", hint: "separated by commas; a-z, 0-9, _ and -" },
  { path: "injection.threshold", section: "injection", label: "Injection threshold", kind: "number", step: "0.01", hint: "0 to 1" },
  { path: "mime_allowlist", section: "mime_allowlist", label: "MIME types", kind: "lines", hint: "one per line, e.g. application/pdf" },
  { path: "generation_enabled", section: "generation_enabled", label: "Generation enabled", kind: "checkbox" },
  { path: "retention_days", section: "retention_days", label: "Retention (days)", kind: "number", step: "1", hint: "1 to 3650" },
  { path: "embedding.model", section: "embedding", label: "Embedding model", kind: "text" },
  { path: "embedding.dimensions", section: "embedding", label: "Dimensions", kind: "number", step: "1", hint: "768" },
  { path: "server.type", section: "server", label: "Server type", kind: "text", hint: "e.g. cx22" },
  { path: "server.location", section: "server", label: "Location", kind: "select", options: HETZNER_LOCATIONS },
  { path: "server.image", section: "server", label: "Image", kind: "text", hint: "e.g. debian-12" },
  { path: "network.ssh_cidrs", section: "network", label: "SSH sources", kind: "lines", hint: "CIDRs, one per line, e.g. 198.51.100.0/24" },
  { path: "quotas.storage_gb", section: "quotas", label: "Storage (GB)", kind: "number", step: "1" },
  { path: "quotas.max_documents", section: "quotas", label: "Documents", kind: "number", step: "1" },
  { path: "quotas.db_connections", section: "quotas", label: "Database connections", kind: "number", step: "1" },
];

/** The firewall's ingress rules are edited as a list of rules, each with these fields. */
export const INGRESS_PATH = "network.ingress";
export const INGRESS_PROTOCOLS = ["tcp", "udp", "icmp"] as const;
