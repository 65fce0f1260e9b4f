/** `fleet preview`'s skip decision (fleet/skip.ts): which tenants are reported unchanged without running. */
import { describe, expect, it } from "vitest";
import type { AppliedDeployment } from "../../controlplane";
import { unchangedSinceApplied } from "../../fleet";
import { tenant } from "./support";

const FINGERPRINT = "f".repeat(64);
const applied: AppliedDeployment = { tenantId: "acme", fingerprint: FINGERPRINT, operationId: "0c1f0000-0000-4000-8000-000000000001", appliedAt: new Date("2025-02-01T10:00:00Z"), superseded: false };

describe("unchangedSinceApplied", () => {
  it("skips a settled tenant whose fingerprint is the one of its last successful up, naming that up", () => {
    expect(unchangedSinceApplied(tenant("acme", "ACTIVE"), FINGERPRINT, applied)).toBe(
      "not run: unchanged since its last up, operation 0c1f0000-0000-4000-8000-000000000001",
    );
    expect(unchangedSinceApplied(tenant("acme", "SUSPENDED"), FINGERPRINT, applied)).toBeDefined();
  });

  it("runs a tenant whose fingerprint differs (config, suspension, rotation, base config or build changed)", () => {
    expect(unchangedSinceApplied(tenant("acme", "ACTIVE"), "e".repeat(64), applied)).toBeUndefined();
  });

  it("runs a tenant with no recorded up (provisioned before the record existed, or by hand)", () => {
    expect(unchangedSinceApplied(tenant("acme", "ACTIVE"), FINGERPRINT, undefined)).toBeUndefined();
  });

  it("runs a tenant whose recorded up was followed by another stack-changing operation (failed, queued or running)", () => {
    expect(unchangedSinceApplied(tenant("acme", "ACTIVE"), FINGERPRINT, { ...applied, superseded: true })).toBeUndefined();
  });

  it("runs a tenant that is not settled: FAILED (a failed up may have left anything) or PROVISIONING (an up outside the queue)", () => {
    for (const state of ["FAILED", "PROVISIONING"] as const) expect(unchangedSinceApplied(tenant("acme", state), FINGERPRINT, applied), state).toBeUndefined();
  });
});
