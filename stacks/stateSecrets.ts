/**
 * The credentials a tenant's stack holds in its state: every secret value of its deployment
 * (`pulumi stack export --show-secrets`), reduced to the strings that are credentials — the
 * generated passwords and keys, the Qdrant token, the age private key, the passwords inside the
 * secret objects (the secrets file's document, the isolation check, the stack's `credentials`
 * output). Hosts, ports and user names inside secret objects are left out. Pure.
 */
import { credentialsIn } from "../domain/redaction";

/** The key and value that mark a secret in a deployment (the engine's secret signature). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A dynamic provider's serialised code: secret when it captured one, but no credential itself. */
const PROVIDER_CODE_KEY = "__provider";

function secretPlaintext(value: object): unknown {
  const plaintext = (value as { plaintext?: unknown }).plaintext;
  if (typeof plaintext !== "string") return undefined;
  try {
    return JSON.parse(plaintext) as unknown;
  } catch {
    return plaintext;
  }
}

/** Every credential inside the secret values of `deployment` (a `pulumi stack export --show-secrets` deployment). */
export function credentialsInDeployment(deployment: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (typeof value === "object" && value !== null) {
      if ((value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG) {
        for (const credential of credentialsIn(secretPlaintext(value))) found.add(credential);
        return;
      }
      for (const [key, child] of Object.entries(value)) if (key !== PROVIDER_CODE_KEY) walk(child);
    }
  };
  walk(deployment);
  return [...found];
}
