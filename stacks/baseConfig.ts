/**
 * The base config the portal is given: every stack-config key of DESIGN §8 that all tenant stacks
 * share (mode, control plane, stores, providers), i.e. everything but `frostbyte:tenants`, which
 * the stacks layer sets per tenant. Validated with the program's own `parseStackConfig`.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { ConfigValidationError, parseStackConfig, type ConfigProblem } from "../domain";
import { StackSettingsError } from "./errors";

/** The one key the stacks layer writes itself, per tenant. */
export const TENANTS_KEY = "frostbyte:tenants";

/** A config key as Pulumi names it: `namespace:key`. */
const FULL_KEY = /^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.-]+$/;

/** The shared stack config: raw values as `pulumi config` stores them (objects and lists as JSON text). */
export interface BaseConfig {
  readonly values: Readonly<Record<string, string>>;
}

/** A value as the program reads it: strings unchanged, everything else as JSON text. */
function rawValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Builds and validates the base config from a map of full keys to values (strings, numbers,
 * booleans, objects). Every problem is reported at once, each naming its key, as the program does.
 */
export function baseConfigFromValues(values: Readonly<Record<string, unknown>>): BaseConfig {
  const problems: ConfigProblem[] = [];
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!FULL_KEY.test(key)) problems.push({ path: key, message: "is not a config key of the form namespace:key" });
    else if (key === TENANTS_KEY) problems.push({ path: key, message: "is set per tenant by the portal; remove it from the base config" });
    else if (value === null || value === undefined) problems.push({ path: key, message: "has no value" });
    else raw[key] = rawValue(value);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  // The program's own validation, with no tenant: every shared key is checked exactly as `pulumi up` will.
  parseStackConfig((key) => (key === TENANTS_KEY ? "[]" : raw[key]));
  return { values: raw };
}

/** Reads a base config file (YAML or JSON: a map of `namespace:key` to value) and validates it. */
export async function loadBaseConfig(path: string): Promise<BaseConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new StackSettingsError(`base config ${path}: ${(error as NodeJS.ErrnoException).code ?? "cannot be read"}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new StackSettingsError(`base config ${path}: not YAML or JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new StackSettingsError(`base config ${path}: must be a map of namespace:key to value`);
  }
  return baseConfigFromValues(parsed as Record<string, unknown>);
}
