/**
 * Which registry tenants a fleet command acts on (pure). A tenant is acted on when its stack exists
 * and its state is settled (ACTIVE, SUSPENDED), failed, or PROVISIONING with no operation on
 * it; every other tenant is listed as skipped with the reason, and a tenant with an operation
 * queued or running is refused as busy (reported failed) without touching its stack.
 *
 * PROVISIONING without an operation is a `pulumi up` outside the portal: one still running
 * holds the stack's lock, so the engine refuses the fleet's run and the tenant is reported busy;
 * one that was killed left the tenant stuck, and the fleet's `up` resumes it (the write-back records
 * the abandoned run as FAILED, then provisions again). DEPROVISIONING is never acted on: an `up`
 * would bring back what a destroy was removing.
 */
import type { Tenant } from "../controlplane";
import { tenantStackName, TENANT_STACK_PREFIX } from "../stacks/stackName";
import { operationAllowed, statesAllowing, type TenantState } from "../domain";

/** States whose stack a fleet command acts on (domain/stateOperations.ts): settled, failed or unfinished (preview shows, `up` retries). */
export const ACTED_ON_STATES: readonly TenantState[] = statesAllowing("fleet");

/** Why a tenant in another state is skipped. */
const SKIP_REASONS: Readonly<Partial<Record<TenantState, string>>> = {
  PENDING: "PENDING: not provisioned yet (the portal provisions it)",
  DEPROVISIONING: "DEPROVISIONING: being destroyed (pulumi destroy on its stack finishes it)",
  DEPROVISIONED: "DEPROVISIONED: no stack to act on",
};

/** One registry tenant in a fleet run. */
export type FleetEntry =
  | { readonly kind: "run"; readonly tenant: Tenant }
  | { readonly kind: "skip"; readonly tenantId: string; readonly reason: string }
  | { readonly kind: "busy"; readonly tenantId: string; readonly reason: string };

/** The tenants in registry order, and tenant stacks no acted-on tenant accounts for. */
export interface FleetPlan {
  readonly entries: readonly FleetEntry[];
  /** `tenant-*` stacks whose tenant is missing from the registry or in a state that has no stack. */
  readonly strayStacks: readonly string[];
}

/**
 * Plans a fleet run. `stackNames` are the project's stacks in the backend; `busy` maps a
 * tenant id to the operation (portal, fleet, drift schedule) that holds it (e.g. `update_config 0c1f… running`).
 */
export function planFleet(tenants: readonly Tenant[], stackNames: readonly string[], busy: ReadonlyMap<string, string> = new Map()): FleetPlan {
  const stacks = new Set(stackNames);
  const accounted = new Set<string>();
  const entries = tenants.map((tenant): FleetEntry => {
    const tenantId = tenant.tenantId;
    const stack = tenantStackName(tenantId);
    if (!operationAllowed(tenant.state, "fleet")) {
      if (tenant.state === "PENDING" || tenant.state === "DEPROVISIONING") accounted.add(stack);
      return { kind: "skip", tenantId, reason: SKIP_REASONS[tenant.state] ?? `${tenant.state}: not acted on` };
    }
    accounted.add(stack);
    if (!stacks.has(stack)) return { kind: "skip", tenantId, reason: `${tenant.state}, but no stack ${stack} in the backend` };
    const operation = busy.get(tenantId);
    if (operation !== undefined) return { kind: "busy", tenantId, reason: `busy: operation ${operation}` };
    return { kind: "run", tenant };
  });
  const strayStacks = stackNames.filter((name) => name.startsWith(TENANT_STACK_PREFIX) && !accounted.has(name)).sort();
  return { entries, strayStacks };
}
