import type { StackConfig } from "../../domain";

/**
 * How the Qdrant providers reach Qdrant as its administrator: stack config `frostbyte:qdrant`,
 * read in their `configure` by providerRuntime/adminSettings.ts.
 */
export type QdrantAdminSettings = StackConfig["qdrant"];
