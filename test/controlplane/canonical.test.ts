import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalEvent, canonicalField, eventHash, type CanonicalEventFields } from "../../controlplane";

const event: CanonicalEventFields = {
  eventId: "0b8f7c1e-5d4a-4c1e-9f7a-2f1e3d4c5b6a",
  tenantId: "acme",
  chainSeq: 2,
  eventType: "TENANT_PROVISION_STARTED",
  occurredAt: "2025-01-31T09:05:03.040500Z",
  actor: "ops|bot",
  resourceType: "tenant",
  resourceId: null,
  detailsText: '{"to": "PROVISIONING", "from": "PENDING"}',
  previousEventId: "5e0c3c9a-8d3b-4d8e-bb8f-1c2d3e4f5a6b",
  prevHash: "ab".repeat(32),
};

describe("canonical audit event (controlplane/README.md)", () => {
  it("escapes backslash and bar, and writes NULL as \\N", () => {
    expect(canonicalField("a|b\\c")).toBe("a\\|b\\\\c");
    expect(canonicalField(null)).toBe("\\N");
    expect(canonicalField("\\N")).toBe("\\\\N");
  });

  it("joins the twelve fields in their fixed order and hashes the UTF-8 text", () => {
    const text = canonicalEvent(event);
    expect(text).toBe(
      [
        "frostbyte-audit-v1",
        "0b8f7c1e-5d4a-4c1e-9f7a-2f1e3d4c5b6a",
        "acme",
        "2",
        "TENANT_PROVISION_STARTED",
        "2025-01-31T09:05:03.040500Z",
        "ops\\|bot",
        "tenant",
        "\\N",
        '{"to": "PROVISIONING", "from": "PENDING"}',
        "5e0c3c9a-8d3b-4d8e-bb8f-1c2d3e4f5a6b",
        "ab".repeat(32),
      ].join("|"),
    );
    expect(eventHash(event)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    expect(eventHash({ ...event, prevHash: "cd".repeat(32) })).not.toBe(eventHash(event));
  });
});
