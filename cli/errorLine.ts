/** Turns any error into the one line a command prints: no stack trace, no password. */
import pg from "pg";

const MISSING_RELATION = "42P01";

/** The error's own message, or its code/parts when it has none (Node's connect AggregateError). */
function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") {
    const first: unknown = error.errors[0];
    return first instanceof Error ? first.message : "connection failed";
  }
  if (error instanceof pg.DatabaseError) {
    const hint = error.code === MISSING_RELATION ? ' (has "frostbyte db migrate" been run?)' : "";
    return `database refused: ${error.message}${hint}`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `cannot reach the control-plane database: ${error.message || code}`;
    return error.message || error.name;
  }
  return String(error);
}

/** Passwords found in URLs among `secrets`, raw and percent-decoded, to be blanked out. */
function passwordsIn(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) => {
    try {
      const password = new URL(secret).password;
      return password === "" ? [] : [password, decodeURIComponent(password)];
    } catch {
      return [];
    }
  });
}

/** Blanks every password: those of the given URLs, and any `scheme://user:password@` in the text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]*@/gi, "$1:***@");
  for (const password of passwordsIn(secrets)) result = result.split(password).join("***");
  return result;
}

/** One line, `frostbyte: <what went wrong>`, with newlines folded and passwords blanked. */
export function errorLine(error: unknown, secrets: readonly string[] = []): string {
  const message = messageOf(error).replace(/\s*\n\s*/g, " ").trim();
  return `frostbyte: ${redact(message, secrets)}\n`;
}
