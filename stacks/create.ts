/** Wires the stacks layer from the environment: settings, redaction, the shared workspace. */
import type { BaseConfig } from "./baseConfig";
import { baseConfigRedactor } from "./redact";
import { stackSettingsFromEnv, type StackSettingsOptions } from "./settings";
import { TenantStacks } from "./tenantStacks";
import { StackWorkspace } from "./workspace";

/** Options of {@link createTenantStacks}. */
export interface CreateTenantStacksOptions extends StackSettingsOptions {
  /** Where the settings are read from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The tenant stacks of the project in `options.workDir` (default: this package's project
 * directory), with the shared config `base`. Throws StackSettingsError for a missing passphrase.
 */
export function createTenantStacks(base: BaseConfig, options: CreateTenantStacksOptions = {}): TenantStacks {
  const settings = stackSettingsFromEnv(options.env ?? process.env, options);
  const redact = baseConfigRedactor(base, settings);
  return new TenantStacks(new StackWorkspace(settings, redact), base, redact);
}
