/**
 * The description of a running local environment that the supervisor writes and `up`/`down` read:
 * the supervisor's pid and the stack config values that point a stack at its stores.
 */
import { readFile, writeFile, rename } from "node:fs/promises";

export interface LocalEnvironmentDescription {
  readonly supervisorPid: number;
  readonly startedAt: string;
  /** The full stack config (DESIGN §8) without `frostbyte:tenants`. */
  readonly stackConfig: { readonly values: Readonly<Record<string, unknown>>; readonly secretKeys: readonly string[] };
  /** The control-plane database as the migration role (for `frostbyte db …` and the printed row). */
  readonly controlPlaneMigratorUrl: string;
  readonly controlPlaneRuntimeUrl: string;
  /** What runs where, for the operator (no secret). */
  readonly services: Readonly<Record<string, string>>;
}

function isDescription(value: unknown): value is LocalEnvironmentDescription {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record["supervisorPid"] === "number" && typeof record["stackConfig"] === "object" && typeof record["controlPlaneRuntimeUrl"] === "string";
}

/** Writes atomically with mode 0600: it holds the stores' admin credentials. */
export async function writeEnvironmentFile(path: string, description: LocalEnvironmentDescription): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(description, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** The description, or undefined when there is none. */
export async function readEnvironmentFile(path: string): Promise<LocalEnvironmentDescription | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isDescription(parsed)) throw new Error(`${path} is not a local environment description; remove it and run up again`);
  return parsed;
}
