/**
 * The diff most providers need: which inputs count, and which of them force a replacement. Copied
 * into each provider's saved code (see configuredProvider.ts): keep it pure.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Changes when any of `compared` or `replaceOn` differs (by JSON, so lists and objects compare by
 * value); a change of one of `replaceOn` replaces the resource, deleting the old one first when
 * `deleteBeforeReplace` (a name that can't exist twice).
 */
export function keyDiff<I>(olds: I, news: I, compared: readonly (keyof I)[], replaceOn: readonly (keyof I)[] = [], deleteBeforeReplace = false): pulumi.dynamic.DiffResult {
  const changed = (key: keyof I) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
  const replaces = replaceOn.filter(changed).map(String);
  return { changes: replaces.length > 0 || compared.some(changed), replaces, deleteBeforeReplace };
}
