/**
 * The one table of what each tenant state allows, checked against the lifecycle it rests on: an
 * operation that moves the tenant is allowed only from a state the transition table lets it leave
 * that way, and the portal, the CLI and the fleet refuse exactly what the table refuses.
 */
import { describe, expect, it } from "vitest";
import { planFleet } from "../../fleet/selection";
import { assertOperationState } from "../../cli/commands/tenantOperations";
import {
  assertOperationAllowed,
  findTransition,
  operationAllowed,
  STATE_ALLOWS,
  statesAllowing,
  TENANT_OPERATION_KINDS,
  TENANT_STATES,
  TenantStateConflictError,
  type TenantState,
} from "../../domain";
import type { Tenant } from "../../controlplane";

function tenantIn(state: TenantState): Tenant {
  const now = new Date(0);
  return {
    tenantId: "acme",
    state,
    config: {},
    configVersion: 1,
    createdAt: now,
    updatedAt: now,
    provisioningStartedAt: null,
    provisionedAt: null,
    agePublicKey: null,
    endpoints: null,
    rotation: "initial",
  } as unknown as Tenant;
}

describe("what each tenant state allows", () => {
  it("has a row for every state and names only known operations", () => {
    expect(Object.keys(STATE_ALLOWS).sort()).toEqual([...TENANT_STATES].sort());
    for (const operations of Object.values(STATE_ALLOWS)) {
      for (const operation of operations) expect([...TENANT_OPERATION_KINDS, "fleet"]).toContain(operation);
    }
  });

  it("allows an operation that moves the tenant only where the lifecycle has that transition", () => {
    const moves: Record<string, (from: TenantState) => boolean> = {
      provision: (from) => findTransition(from, "PROVISIONING") !== undefined,
      suspend: (from) => findTransition(from, "SUSPENDED") !== undefined,
      resume: (from) => from === "SUSPENDED" && findTransition(from, "ACTIVE") !== undefined,
      deprovision: (from) => findTransition(from, "DEPROVISIONING") !== undefined || findTransition(from, "DEPROVISIONED") !== undefined,
    };
    for (const state of TENANT_STATES) {
      for (const [operation, possible] of Object.entries(moves)) {
        if (operationAllowed(state, operation as never)) expect(possible(state), `${operation} from ${state}`).toBe(true);
      }
    }
  });

  it("allows nothing on a tenant being destroyed or gone", () => {
    expect(STATE_ALLOWS.DEPROVISIONING).toEqual([]);
    expect(STATE_ALLOWS.DEPROVISIONED).toEqual([]);
  });

  it("refuses with the tenant, its state and the states that would allow it", () => {
    expect(() => assertOperationAllowed(tenantIn("SUSPENDED"), "rotate")).toThrow(TenantStateConflictError);
    expect(() => assertOperationAllowed(tenantIn("SUSPENDED"), "rotate")).toThrow('tenant "acme" is SUSPENDED; rotate needs ACTIVE');
    expect(statesAllowing("deprovision")).toEqual(["PENDING", "ACTIVE", "SUSPENDED", "FAILED"]);
  });

  it("is what the CLI's tenant operations refuse, state by state", () => {
    for (const state of TENANT_STATES) {
      for (const operation of ["rotate", "suspend", "resume"] as const) {
        const refused = (() => {
          try {
            assertOperationState(tenantIn(state), operation);
            return false;
          } catch {
            return true;
          }
        })();
        expect(refused, `${operation} from ${state}`).toBe(!operationAllowed(state, operation));
      }
    }
  });

  it("is what the fleet acts on, state by state", () => {
    const tenants = TENANT_STATES.map((state) => ({ ...tenantIn(state), tenantId: `t-${state.toLowerCase()}` }) as Tenant);
    const plan = planFleet(tenants, tenants.map((tenant) => `tenant-${tenant.tenantId}`));
    for (const entry of plan.entries) {
      const tenant = tenants.find((candidate) => candidate.tenantId === (entry.kind === "run" ? entry.tenant.tenantId : entry.tenantId));
      expect(entry.kind === "run", tenant?.state).toBe(operationAllowed(tenant!.state, "fleet"));
    }
  });
});
