/** JSON Merge Patch (RFC 7386): how PATCH /tenants/:id/config changes a stored config. Pure. */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies `patch` to `target`: an object patch merges key by key (`null` removes a key, so it takes
 * its default again), anything else replaces the target. Neither argument is modified.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * The paths (under `root`) of the keys a patch removes with `null` that `target` does not have. For
 * a target with every default filled in (a stored tenant config), these are keys the config does not
 * know: refused like any other unknown key, even though removing them would change nothing.
 */
export function absentRemovals(target: unknown, patch: unknown, root: string): string[] {
  if (!isObject(patch)) return [];
  const base = isObject(target) ? target : {};
  return Object.entries(patch).flatMap(([key, value]) =>
    value === null ? (Object.hasOwn(base, key) ? [] : [`${root}.${key}`]) : absentRemovals(base[key], value, `${root}.${key}`),
  );
}
