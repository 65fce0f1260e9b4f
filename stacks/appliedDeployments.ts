/**
 * The deployment fingerprint of a tenant on this build, and the worker's hook that records it after
 * every successful up-kind operation (migration 015). The worker passes the desired state it
 * applied; `frostbyte fleet preview` fingerprints the registry's desired state the same way.
 */
import { recordAppliedDeployment, type Queryable, type Tenant } from "../controlplane";
import type { BaseConfig } from "./baseConfig";
import { deploymentFingerprint } from "./deploymentFingerprint";
import { desiredStateFromRegistry } from "./desiredState";
import { programBuildId } from "./programBuild";
import type { TenantDesiredState } from "./tenantStackConfig";

/** Fingerprints desired states against one base config and one program build. */
export interface TenantFingerprints {
  /** The fingerprint of `desired`. */
  of(desired: TenantDesiredState): string;
  /** The fingerprint of the registry row's desired state (desiredStateFromRegistry). */
  ofTenant(tenant: Tenant): string;
}

/** Fingerprints for `base` and the compiled program in `projectDir` (its build id is read once). */
export async function tenantFingerprints(base: BaseConfig, projectDir: string): Promise<TenantFingerprints> {
  const programBuild = await programBuildId(projectDir);
  const of = (desired: TenantDesiredState) => deploymentFingerprint({ desired, base, programBuild });
  return { of, ofTenant: (tenant) => of(desiredStateFromRegistry(tenant)) };
}

/** The worker's `onApplied`: records the fingerprint of what the operation applied as the tenant's last applied deployment. */
export function appliedDeploymentRecorder(db: Queryable, base: BaseConfig, projectDir: string): (operation: { readonly operationId: string; readonly tenantId: string }, desired: TenantDesiredState) => Promise<void> {
  return async (operation, desired) => {
    const fingerprints = await tenantFingerprints(base, projectDir);
    await recordAppliedDeployment(db, { tenantId: operation.tenantId, operationId: operation.operationId, fingerprint: fingerprints.of(desired) });
  };
}
