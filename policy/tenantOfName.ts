import { tenantIdProblem, tenantNames, type TenantNames } from "../domain";

/** Picks one derived name out of a tenant's names, e.g. `(names) => names.minio.bucket`. */
export type NamePick = (names: TenantNames) => string;

/** Any valid id without "-": it shows where the id sits in a derived name, whether or not that name swaps "-" for "_". */
const SAMPLE_ID = "abc";

/**
 * The tenant whose derived name (the one `pick` selects) `name` is, or undefined when it is no
 * tenant's. The format is never written here: `tenantNames` builds the name for a sample id to find
 * the text around the id, and a candidate id only counts when `tenantNames` builds exactly `name`
 * for it. Tenant ids never contain "_", so an underscored id (`tenant_globex_eu`) maps back uniquely.
 */
export function tenantIdOfName(name: string, pick: NamePick): string | undefined {
  const template = pick(tenantNames(SAMPLE_ID));
  const at = template.indexOf(SAMPLE_ID);
  const prefix = template.slice(0, at);
  const suffix = template.slice(at + SAMPLE_ID.length);
  if (name.length <= prefix.length + suffix.length || !name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const candidate = name.slice(prefix.length, name.length - suffix.length).replace(/_/g, "-");
  if (tenantIdProblem(candidate) !== undefined) return undefined;
  return pick(tenantNames(candidate)) === name ? candidate : undefined;
}

/** The derived name for the sample id with the id shown as `{id}`, for messages: `tenant-{id}-rw`. */
export function nameTemplate(pick: NamePick): string {
  const template = pick(tenantNames(SAMPLE_ID));
  const underscored = template.includes(`_${SAMPLE_ID}`) || template.includes(`${SAMPLE_ID}_`);
  return template.replace(SAMPLE_ID, underscored ? "{id_}" : "{id}");
}
