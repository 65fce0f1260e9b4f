/**
 * Refuses data that looks like a secret before it reaches `audit_events.details` or
 * `tenants.endpoints` (DESIGN §4, §5). Errors name the path and the reason, never the value.
 */
import { formatPath } from "../domain";
import { SecretLikeDataError } from "./errors";

/** Words that make a key name a secret's name: `password`, `db_password`, `apiKey`, `accessKeyId`, `tokens`. */
const SECRET_KEY_WORDS: ReadonlySet<string> = new Set([
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "key",
  "apikey",
  "credential",
  "privatekey",
]);

/** Markers of private key material inside a string value. */
const SECRET_VALUE_MARKERS: readonly string[] = ["-----BEGIN", "AGE-SECRET-KEY-"];

/** Splits a key into lower-case words at `_`, `-`, `.`, spaces and camelCase humps. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/** Why a key name is a secret's name, or undefined. */
export function secretKeyProblem(key: string): string | undefined {
  const words = keyWords(key);
  const joined = words.join("");
  const hit = words.find((word) => SECRET_KEY_WORDS.has(word) || SECRET_KEY_WORDS.has(word.replace(/s$/, "")));
  if (hit !== undefined) return `a key named like a secret ("${hit}") is not allowed`;
  if (SECRET_KEY_WORDS.has(joined)) return `a key named like a secret ("${joined}") is not allowed`;
  return undefined;
}

/** Why a string value looks like a secret (a URL with userinfo, private key material), or undefined. */
export function secretValueProblem(value: string): string | undefined {
  if (SECRET_VALUE_MARKERS.some((marker) => value.includes(marker))) return "the value holds private key material";
  if (value.includes("://") && value.includes("@")) {
    try {
      const url = new URL(value.trim());
      if (url.username !== "" || url.password !== "") return "the value is a URL with a user name or password in it";
    } catch {
      // Not a URL: nothing more to check.
    }
  }
  return undefined;
}

function visit(value: unknown, path: readonly PropertyKey[], root: string): void {
  if (typeof value === "string") {
    const problem = secretValueProblem(value);
    if (problem !== undefined) throw new SecretLikeDataError(formatPath(root, path), problem);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, [...path, index], root));
    return;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const problem = secretKeyProblem(key);
      if (problem !== undefined) throw new SecretLikeDataError(formatPath(root, [...path, key]), problem);
      visit(item, [...path, key], root);
    }
  }
}

/** Throws {@link SecretLikeDataError} for the first secret-looking key or value under `root`. */
export function assertNoSecrets(value: unknown, root: string): void {
  visit(value, [], root);
}
