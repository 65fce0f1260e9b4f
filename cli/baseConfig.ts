/**
 * The base config (the stack config every tenant stack shares, DESIGN §8, without frostbyte:tenants)
 * that the commands driving tenant stacks read: `--base-config <file>`, else FROSTBYTE_PORTAL_BASE_CONFIG.
 */
import { CliError, type CliIo } from "./io";

export const BASE_CONFIG_ENV = "FROSTBYTE_PORTAL_BASE_CONFIG";

/** The `--base-config` option's flags and description, the same on every command. */
export const BASE_CONFIG_OPTION = ["--base-config <file>", `YAML/JSON map of the shared stack config, namespace:key to value (${BASE_CONFIG_ENV})`] as const;

/** The base config's path from the option or the environment; a clear error when neither is set. */
export function baseConfigPath(io: CliIo, option: string | undefined): string {
  const path = option ?? io.env[BASE_CONFIG_ENV];
  if (path === undefined || path.trim() === "") {
    throw new CliError(`no base config: give --base-config <file> or set ${BASE_CONFIG_ENV} (the stack config every tenant stack shares, DESIGN §8, without frostbyte:tenants)`);
  }
  return path;
}
