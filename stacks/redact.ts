/**
 * Blanks secrets out of text that leaves a stack operation (engine diagnostics, error messages):
 * the base config's secret values, the passphrase, and the user info of any URL. What it returns
 * may be stored in the operations table and in audit details.
 */
import { SECRET_CONFIG_KEYS } from "../domain";
import { secretKeyProblem } from "../controlplane/secretGuard";
import type { BaseConfig } from "./baseConfig";

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Shorter values are not redacted: they would blank ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** A URL's password (raw and decoded), or undefined when the value is no URL with one. */
function urlPassword(value: string): string[] | undefined {
  try {
    const url = new URL(value);
    if (url.password === "") return undefined;
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    return undefined;
  }
}

/** The secret strings inside one secret config value: a URL's password, secret-named leaves of an object, or the value itself. */
function secretsIn(raw: string): string[] {
  const password = urlPassword(raw);
  if (password) return password;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [raw];
  }
  if (typeof parsed !== "object" || parsed === null) return [raw];
  const found: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (typeof value === "string") {
      const inUrl = urlPassword(value);
      if (inUrl) found.push(...inUrl);
      else if (secretKeyProblem(key) !== undefined) found.push(value);
    } else if (typeof value === "object" && value !== null) {
      for (const [childKey, child] of Object.entries(value)) walk(child, Array.isArray(value) ? key : childKey);
    }
  };
  walk(parsed, "");
  return found;
}

/** A function that redacts the given secrets, longest first, and strips the user info of every URL. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const ordered = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = ordered.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
    // `scheme://user:password@host` → `scheme://host`: no user info survives, so the text passes the audit log's secret guard.
    result = result.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1");
    return result;
  };
}

/** The redactor for a portal: every secret of the base config, and the stacks' passphrase. */
export function baseConfigRedactor(base: BaseConfig, passphrase: string): (text: string) => string {
  const secrets = SECRET_CONFIG_KEYS.flatMap((key) => {
    const raw = base.values[key];
    return raw === undefined ? [] : secretsIn(raw);
  });
  return redactor([...secrets, passphrase]);
}
