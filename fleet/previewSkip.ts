/**
 * `fleet preview`'s skip over the control plane: fingerprints each tenant's registry desired state
 * on this build and base config, reads every tenant's last applied deployment in one query, and
 * splits the tenants into those to run and those reported unchanged (skip.ts decides).
 */
import { appliedDeployments, type Queryable, type Tenant } from "../controlplane";
import type { BaseConfig } from "../stacks";
import { tenantFingerprints } from "../stacks/appliedDeployments";
import type { TenantReport } from "./report";
import { unchangedSinceApplied } from "./skip";

/** The tenants to run, and the reports of those unchanged since their last up. */
export interface PreviewSplit {
  readonly run: Tenant[];
  readonly unchanged: TenantReport[];
}

/** Splits `tenants` for a preview with `base` and the compiled program in `projectDir`. */
export async function splitUnchanged(db: Queryable, base: BaseConfig, projectDir: string, tenants: readonly Tenant[]): Promise<PreviewSplit> {
  const [fingerprints, applied] = await Promise.all([tenantFingerprints(base, projectDir), appliedDeployments(db)]);
  const run: Tenant[] = [];
  const unchanged: TenantReport[] = [];
  for (const tenant of tenants) {
    const message = unchangedSinceApplied(tenant, fingerprints.ofTenant(tenant), applied.get(tenant.tenantId));
    if (message === undefined) run.push(tenant);
    else unchanged.push({ tenantId: tenant.tenantId, result: "unchanged", changes: 0, message });
  }
  return { run, unchanged };
}
