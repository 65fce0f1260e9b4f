import { describe, expect, it } from "vitest";
import { assertTenantId, InvalidTenantIdError, tenantNames } from "../../domain";

describe("tenantNames (DESIGN §1)", () => {
  it("derives every store name from the id", () => {
    expect(tenantNames("acme-corp")).toEqual({
      tenantId: "acme-corp",
      hetzner: { network: "fb-acme-corp-net", firewall: "fb-acme-corp-fw", server: "fb-acme-corp-srv", labels: { "frostbyte.io/tenant": "acme-corp" } },
      minio: { bucket: "tenant-acme-corp", user: "tenant-acme-corp", policy: "tenant-acme-corp-rw" },
      postgres: { database: "tenant_acme_corp", role: "tenant_acme_corp_app" },
      qdrant: { collection: "tenant_acme_corp" },
      redis: { user: "tenant-acme-corp", keyPattern: "~tenant:acme-corp:*", channelPattern: "&tenant:acme-corp:*" },
      secretsFile: "secrets/acme-corp.enc.yaml",
    });
  });

  it("refuses an id that breaks the rule, naming the id and the rule", () => {
    expect(() => assertTenantId("Acme")).toThrow(InvalidTenantIdError);
    expect(() => assertTenantId("Acme")).toThrow('tenant id "Acme": must match ^[a-z][a-z0-9-]*[a-z0-9]$ (3–30 characters, no "--")');
    expect(() => tenantNames("a--b")).toThrow(/contains "--"/);
  });
});
