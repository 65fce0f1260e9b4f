/** How a tenant's last drift check is shown by the API, and that it fits the OpenAPI schema of a tenant. */
import { Compile } from "typebox/compile";
import { describe, expect, it } from "vitest";
import type { DriftCheck, Tenant } from "../../controlplane";
import { parseTenantConfig } from "../../domain";
import { TenantView } from "../../portal/schemas/tenants";
import { driftView, tenantView } from "../../portal/views";

const checkedAt = new Date("2026-12-05T12:00:00.123Z");
const base = { tenantId: "acme", checkedAt, operationId: null } as const;
const tenant: Tenant = {
  tenantId: "acme",
  state: "ACTIVE",
  config: parseTenantConfig({}, "config"),
  configVersion: 1,
  createdAt: checkedAt,
  updatedAt: checkedAt,
  provisioningStartedAt: null,
  provisionedAt: checkedAt,
  agePublicKey: null,
  endpoints: {},
};
const tenantSchema = Compile(TenantView);

describe("drift in the API's tenant view", () => {
  it("shows changes only when drifted and the error only when failed", () => {
    const inSync: DriftCheck = { ...base, result: "in_sync", changes: null, error: null };
    const drifted: DriftCheck = { ...base, result: "drifted", changes: { update: 1, delete: 2 }, error: null };
    const failed: DriftCheck = { ...base, result: "failed", changes: null, error: "the engine could not reach MinIO" };
    expect(driftView(inSync)).toEqual({ checkedAt: "2026-12-05T12:00:00.123Z", result: "in_sync" });
    expect(driftView(drifted)).toEqual({ checkedAt: "2026-12-05T12:00:00.123Z", result: "drifted", changes: { update: 1, delete: 2 } });
    expect(driftView(failed)).toEqual({ checkedAt: "2026-12-05T12:00:00.123Z", result: "failed", error: "the engine could not reach MinIO" });
    for (const check of [inSync, drifted, failed]) {
      const view = tenantView(tenant, null, check);
      expect(view.drift).toEqual(driftView(check));
      expect(tenantSchema.Check(view), JSON.stringify(view)).toBe(true);
    }
  });

  it("is null for a tenant never checked, and the schema refuses a drift of another shape", () => {
    const never = tenantView(tenant, null, null);
    expect(never.drift).toBeNull();
    expect(tenantSchema.Check(never)).toBe(true);
    expect(tenantSchema.Check({ ...never, drift: { checkedAt: "2026-12-05T12:00:00Z", result: "maybe" } })).toBe(false);
    expect(tenantSchema.Check({ ...never, drift: { checkedAt: "2026-12-05T12:00:00Z", result: "drifted", changes: { update: 0 } } })).toBe(false);
    expect(tenantSchema.Check({ ...never, drift: { checkedAt: "2026-12-05T12:00:00Z", result: "in_sync", operation: "x" } })).toBe(false);
    const { drift: _drift, ...withoutDrift } = never;
    expect(tenantSchema.Check(withoutDrift)).toBe(false);
  });
});
