/**
 * Blanks secrets out of text that leaves a stack operation (engine diagnostics, error messages):
 * the base config's secret values, the passphrase, and the user info of any URL. What it returns
 * may be stored in the operations table and in audit details. An operation adds its tenant's own
 * credentials on top (operationRedaction.ts).
 */
import { SECRET_CONFIG_KEYS } from "../domain";
import { credentialsIn, REDACTED, redactor } from "../domain/redaction";
import type { BaseConfig } from "./baseConfig";
import { backendCredentials, type StackSettings } from "./settings";

export { REDACTED, redactor };

/** The credentials inside one raw config value (objects and lists are JSON text, as `pulumi config` stores them). */
export function configValueCredentials(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return credentialsIn(raw);
  }
  return credentialsIn(typeof parsed === "object" && parsed !== null ? parsed : raw);
}

/** Every secret of the base config (DESIGN §8's secret keys), and the stacks' passphrase. */
export function baseConfigSecrets(base: BaseConfig, passphrase: string): string[] {
  const secrets = SECRET_CONFIG_KEYS.flatMap((key) => {
    const raw = base.values[key];
    return raw === undefined ? [] : configValueCredentials(raw);
  });
  return [...secrets, passphrase];
}

/** The redactor of the stacks layer: every secret of the base config, the stacks' passphrase and the backend's credentials. */
export function baseConfigRedactor(base: BaseConfig, settings: Pick<StackSettings, "passphrase" | "backendEnv">): (text: string) => string {
  // A backend credential may be JSON (GOOGLE_CREDENTIALS): its private key is blanked on its own too.
  const backend = backendCredentials(settings).flatMap((raw) => [raw, ...configValueCredentials(raw)]);
  return redactor([...baseConfigSecrets(base, settings.passphrase), ...backend]);
}
