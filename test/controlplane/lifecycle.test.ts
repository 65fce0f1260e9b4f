import { describe, expect, it } from "vitest";
import { allowedTargets, assertTransition, TENANT_STATES, TransitionNotAllowedError, TRANSITIONS } from "../../domain";

describe("lifecycle (DESIGN §3)", () => {
  it("has seven states and thirteen numbered transitions, each writing its §5 event", () => {
    expect(TENANT_STATES).toHaveLength(7);
    expect(TRANSITIONS.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(TRANSITIONS.map((t) => `${t.from}->${t.to}=${t.event}`)).toEqual([
      "PENDING->PROVISIONING=TENANT_PROVISION_STARTED",
      "PENDING->DEPROVISIONED=TENANT_DEPROVISIONED",
      "PROVISIONING->ACTIVE=TENANT_PROVISIONED",
      "PROVISIONING->FAILED=TENANT_PROVISION_FAILED",
      "FAILED->PROVISIONING=TENANT_PROVISION_STARTED",
      "FAILED->DEPROVISIONING=TENANT_DEPROVISION_STARTED",
      "ACTIVE->SUSPENDED=TENANT_SUSPENDED",
      "SUSPENDED->ACTIVE=TENANT_RESUMED",
      "ACTIVE->PROVISIONING=TENANT_PROVISION_STARTED",
      "ACTIVE->DEPROVISIONING=TENANT_DEPROVISION_STARTED",
      "SUSPENDED->DEPROVISIONING=TENANT_DEPROVISION_STARTED",
      "DEPROVISIONING->DEPROVISIONED=TENANT_DEPROVISIONED",
      "DEPROVISIONING->FAILED=TENANT_PROVISION_FAILED",
    ]);
    expect(new Set(TRANSITIONS.map((t) => `${t.from}->${t.to}`)).size).toBe(13);
  });

  it("refuses every other pair, naming it and what is allowed", () => {
    expect(() => assertTransition("ACTIVE", "PENDING", "acme")).toThrow(TransitionNotAllowedError);
    expect(() => assertTransition("ACTIVE", "PENDING", "acme")).toThrow(
      'tenant "acme": transition ACTIVE -> PENDING is not allowed (allowed from ACTIVE: SUSPENDED, PROVISIONING, DEPROVISIONING)',
    );
    expect(() => assertTransition("DEPROVISIONED", "ACTIVE")).toThrow("transition DEPROVISIONED -> ACTIVE is not allowed (allowed from DEPROVISIONED: none, it is final)");
    expect(() => assertTransition("ACTIVE", "ACTIVE")).toThrow(TransitionNotAllowedError);
    expect(allowedTargets("PENDING")).toEqual(["PROVISIONING", "DEPROVISIONED"]);
    expect(assertTransition("SUSPENDED", "ACTIVE").event).toBe("TENANT_RESUMED");
  });
});
