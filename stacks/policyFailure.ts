/**
 * A run the policy pack refused. The engine stops before the refused resource is touched and calls
 * no error hook (nothing failed to apply), so the stack's own write-back never hears of it: the
 * tenant would stay PROVISIONING. This records the failure the way the error hook records any other:
 * PROVISIONING → FAILED with TENANT_PROVISION_FAILED naming each violation.
 */
import { createControlPlanePool, TenantNotFoundError, TenantRegistry } from "../controlplane";
import { STACK_ACTOR } from "../components/registry/writeBack";
import { StackCommandError } from "./errors";
import { describeViolation, type PolicyViolation } from "./policyPack";
import type { JsonObject, TenantState } from "../domain";

/** An `up` or `preview` failed because a mandatory policy refused a resource. */
export class PolicyViolationError extends StackCommandError {
  constructor(
    readonly violations: readonly PolicyViolation[],
    /** Set when the registry could not record the failure; the message says so too. */
    readonly settleError?: string,
    options?: { cause?: unknown },
  ) {
    const text = [...new Set(violations.map(describeViolation))].join("; ");
    super(`the policy pack refused the deployment: ${text}${settleError ? ` (the registry could not record the failure: ${settleError})` : ""}`, options);
    this.name = "PolicyViolationError";
  }
}

/** The type and name of a resource URN (`urn:pulumi:stack::project::parent$type::name`). */
function resourceOf(urn: string | undefined): { resource_type?: string; resource_name?: string } {
  if (!urn) return {};
  const parts = urn.split("::");
  if (parts.length < 4) return {};
  const types = parts[2] ?? "";
  return { resource_type: types.slice(types.lastIndexOf("$") + 1), resource_name: parts.slice(3).join("::") };
}

/** Longest error text in an audit event, as the error hook and the portal store it. */
const MAX_ERROR_LENGTH = 2000;

/** What the audit event records: each violation's pack, policy, resource and message. */
export function policyFailureDetails(violations: readonly PolicyViolation[]): JsonObject {
  const error = `the policy pack refused the deployment: ${[...new Set(violations.map(describeViolation))].join("; ")}`;
  return {
    operation: "up",
    error: error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error,
    policy_violations: violations.map((violation) => ({
      policy_pack: violation.policyPack,
      policy: violation.policy,
      ...resourceOf(violation.urn),
      message: violation.message,
    })),
  };
}

/**
 * Moves each tenant the refused run left PROVISIONING to FAILED (TENANT_PROVISION_FAILED with
 * {@link policyFailureDetails}, actor `pulumi`, as the stack's error hook would). A tenant in any
 * other state is left alone, as the hook leaves it: nothing of it was (re)provisioned, or its
 * failure is already recorded. Returns each tenant's state afterwards (absent when unknown).
 */
export async function settlePolicyFailure(controlPlaneDbUrl: string, tenantIds: readonly string[], violations: readonly PolicyViolation[]): Promise<Record<string, TenantState>> {
  const pool = createControlPlanePool(controlPlaneDbUrl, { max: 1, applicationName: "frostbyte-policy-failure" });
  const registry = new TenantRegistry(pool);
  const states: Record<string, TenantState> = {};
  try {
    for (const tenantId of tenantIds) {
      let state: TenantState;
      try {
        state = (await registry.getTenant(tenantId)).state;
      } catch (error) {
        if (error instanceof TenantNotFoundError) continue;
        throw error;
      }
      if (state === "PROVISIONING") {
        state = (await registry.transition(tenantId, "FAILED", { actor: STACK_ACTOR, details: policyFailureDetails(violations) })).tenant.state;
      }
      states[tenantId] = state;
    }
  } finally {
    await pool.end();
  }
  return states;
}
