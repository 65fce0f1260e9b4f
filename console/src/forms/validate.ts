/**
 * The API's own rules, run in the page before anything is sent: the domain's tenant-id rule and
 * config schema (bundled from domain/, the code the portal runs), and the merge-patch rules of
 * `PATCH /tenants/{id}/config`. The problems have the paths the API would answer with.
 */
import { absentRemovals, mergePatch } from "../../../portal/mergePatch";
import { problemsFromZod, tenantConfigSchema, tenantIdProblem, TENANT_ID_RULE, type ConfigProblem } from "../../../domain";

function configProblems(config: unknown): ConfigProblem[] {
  const result = tenantConfigSchema.safeParse(config ?? {});
  return result.success ? [] : problemsFromZod("config", result.error);
}

/** What `POST /tenants` would refuse in this id and config (the portal's TenantOperations.create). */
export function createProblems(id: string, config: unknown): ConfigProblem[] {
  const idProblem = tenantIdProblem(id);
  return [...(idProblem === undefined ? [] : [{ path: "id", message: `tenant id ${JSON.stringify(id)}: ${TENANT_ID_RULE}; ${idProblem}` }]), ...configProblems(config)];
}

/** What `PATCH /tenants/{id}/config` would refuse in this patch of the stored config. */
export function patchProblems(stored: unknown, patch: unknown): ConfigProblem[] {
  const unknownKeys = absentRemovals(stored, patch, "config").map((path) => ({ path, message: "unknown key" }));
  return [...configProblems(mergePatch(stored, patch)), ...unknownKeys];
}

/** The config a new tenant gets when nothing is set: the form starts from it. */
export function defaultConfig(): unknown {
  return tenantConfigSchema.parse({});
}
