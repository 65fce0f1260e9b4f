/**
 * Blanking credentials out of text: which strings of a secret value are credentials, and a
 * function that replaces them (and the user info of every URL) in any text. Shared by the stacks
 * layer (errors, progress, operation rows) and by the dynamic providers that hold a tenant's own
 * credentials (the isolation verification's evidence and errors). Pure.
 */

/** What a credential is replaced with. */
export const REDACTED = "[redacted]";

/** Shorter values are not redacted: they would blank ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Words that make a key a credential's name anywhere in it. */
const CREDENTIAL_WORDS: ReadonlySet<string> = new Set(["password", "passwd", "passphrase", "secret", "token", "credential", "jwt"]);

/** Words before `key` that make it an identifier, not a credential (`accessKey` is the MinIO user). */
const IDENTIFYING_KEY_PREFIXES: ReadonlySet<string> = new Set(["access", "public", "partition", "sort", "primary", "foreign"]);

/** Splits a key into lower-case words at `_`, `-`, `.`, spaces and camelCase humps. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/**
 * Whether a key names a credential: `password`, `adminPassword`, `secretKey`, `apiKey`, `token`,
 * `privateKey`, `MINIO_ROOT_PASSWORD`; not `accessKey`, `publicKey` or `keyPattern`.
 */
export function namesCredential(key: string): boolean {
  // Plurals name lists of credentials: `apiKeys`, `tokens`.
  const words = keyWords(key).map((word) => (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word));
  if (words.some((word) => CREDENTIAL_WORDS.has(word))) return true;
  const last = words.length - 1;
  if (words[last] !== "key" && words.join("") !== "apikey") return false;
  return last === 0 || !IDENTIFYING_KEY_PREFIXES.has(words[last - 1] ?? "");
}

/** A URL's password, raw and decoded; empty when the value is no URL with one. */
export function urlPasswords(value: string): string[] {
  if (!value.includes("://")) return [];
  try {
    const password = new URL(value.trim()).password;
    return password === "" ? [] : [...new Set([password, safeDecode(password)])];
  } catch {
    return [];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `NAME=value` (an environment entry such as a container's `MINIO_ROOT_PASSWORD=…`). */
const ENV_ENTRY = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]+)$/;

/**
 * The credentials inside a secret value. A string is one itself (a URL: its password only). In an
 * object or list, a string is one when its key names a credential (items of a list take the list's
 * key), a URL anywhere gives its password, and an environment entry `NAME=value` whose name names a
 * credential gives its value; the rest (hosts, user names, ports) is no credential.
 */
export function credentialsIn(value: unknown): string[] {
  if (typeof value === "string") {
    const inUrl = urlPasswords(value);
    return inUrl.length > 0 || value.includes("://") ? inUrl : [value];
  }
  const found: string[] = [];
  const walk = (item: unknown, key: string): void => {
    if (typeof item === "string") {
      const env = ENV_ENTRY.exec(item);
      if (namesCredential(key)) found.push(...credentialsIn(item));
      else if (env?.[1] !== undefined && env[2] !== undefined && namesCredential(env[1])) found.push(env[2]);
      else found.push(...urlPasswords(item));
    } else if (Array.isArray(item)) {
      for (const child of item) walk(child, key);
    } else if (typeof item === "object" && item !== null) {
      for (const [childKey, child] of Object.entries(item)) walk(child, childKey);
    }
  };
  walk(value, "");
  return found;
}

/** A function that replaces the given secrets (longest first) and strips the user info of every URL. */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => {
    const result = ordered.reduce((acc, secret) => (acc.includes(secret) ? acc.split(secret).join(REDACTED) : acc), text);
    // `scheme://user:password@host` → `scheme://host`: no user info survives, so the text passes the audit log's secret guard.
    return result.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1");
  };
}
