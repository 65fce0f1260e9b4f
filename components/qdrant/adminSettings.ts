import type * as pulumi from "@pulumi/pulumi";

/** How the provider reaches Qdrant as an administrator (stack config `frostbyte:qdrant`). */
export interface QdrantAdminSettings {
  readonly url: string;
  readonly apiKey: string;
}

/** Reads `frostbyte:qdrant` from the raw JSON text a dynamic provider's configure receives. */
export function parseQdrantAdminSettings(raw: string | undefined): QdrantAdminSettings {
  if (raw === undefined) throw new Error("frostbyte:qdrant is not set; the Qdrant collection provider needs it");
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null) throw new Error("frostbyte:qdrant must be an object { url, apiKey }");
  const { url, apiKey } = parsed as Record<string, unknown>;
  if (typeof url !== "string" || typeof apiKey !== "string") throw new Error("frostbyte:qdrant must be an object { url, apiKey } of strings");
  return { url, apiKey };
}

/** A dynamic provider that reaches Qdrant as an administrator: `configure` reads `frostbyte:qdrant` into `settings`. */
export interface QdrantAdminProvider extends pulumi.dynamic.ResourceProvider {
  settings?: QdrantAdminSettings;
}

/** The settings `configure` read, or a clear error naming the provider when it never ran. */
export function qdrantSettingsOf(provider: QdrantAdminProvider, what: string): QdrantAdminSettings {
  if (!provider.settings) throw new Error(`the ${what} provider was not configured: frostbyte:qdrant is missing`);
  return provider.settings;
}
