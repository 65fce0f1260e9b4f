import type { z } from "zod";

/** One problem found in a config: where it is and what is wrong there. */
export interface ConfigProblem {
  /** Dotted path from the config's root, e.g. `frostbyte:tenants[1].config.pii.mode`. */
  readonly path: string;
  readonly message: string;
}

/** Thrown when a config (stack config §8 or tenant config §6) breaks its contract. Never carries a secret value. */
export class ConfigValidationError extends Error {
  /** The HTTP status the portal answers it with (Bad Request). */
  readonly statusCode = 400;

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
    this.name = "ConfigValidationError";
  }
}

/** Renders a zod issue path (`["a", 0, "b"]`) under a root as `root.a[0].b`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, root);
}

/** Turns zod issues into problems; unknown keys get one problem per key so each path is named. */
export function problemsFromZod(root: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath(root, [...issue.path, key]), message: "unknown key" }));
    }
    return [{ path: formatPath(root, issue.path), message: issue.message }];
  });
}
