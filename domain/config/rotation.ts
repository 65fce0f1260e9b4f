/**
 * The credential rotation token of a tenant (`frostbyte:tenants[].rotation`, registry column
 * `tenants.credential_rotation`): a keeper of every generated credential and of the tenant's age key,
 * so a new token regenerates all of them. Never a secret. Pure.
 */

/** The token of a tenant whose credentials were never rotated; the program's default. */
export const INITIAL_ROTATION = "initial";

/** 1–63 characters: lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const ROTATION_TOKEN_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const ROTATION_TOKEN_RULE = "must be a rotation token: 1–63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

/** Why `value` is not a rotation token, or undefined. */
export function rotationTokenProblem(value: unknown): string | undefined {
  return typeof value === "string" && ROTATION_TOKEN_PATTERN.test(value) ? undefined : ROTATION_TOKEN_RULE;
}

/** Tokens the `frostbyte tenant rotate` command writes: `r2`, `r3`, … (`initial` counts as generation 1). */
const GENERATION_TOKEN = /^r([1-9][0-9]{0,8})$/;

/** The generation a token stands for: 1 for `initial`, N for `rN`, undefined for a token set by hand. */
export function rotationGeneration(token: string): number | undefined {
  if (token === INITIAL_ROTATION) return 1;
  const match = GENERATION_TOKEN.exec(token);
  return match ? Number(match[1]) : undefined;
}

/** The token of the next rotation: `r{N+1}` after generation N; `r2` after a token set by hand. */
export function nextRotationToken(current: string): string {
  return `r${(rotationGeneration(current) ?? 1) + 1}`;
}
