import { describe, expect, it } from "vitest";
import { runProgram } from "../support/runProgram";
import { sampleStackConfig } from "../support/sampleStackConfig";

const BAD_TENANT_IDS: readonly string[] = [
  "", "a", "ab", "Acme", "ACME", "1acme", "-acme", "acme-", "ac--me", "acme_corp", "acme.corp", "acme corp", " acme", "acme ",
  "acmé", "acme/x", "acme:1", "a".repeat(31), "tenant-with-a-really-long-name-x", "9", "--", "a-", "ab-", "x--y--z", "acme\n", "ac$me", "ÄCME", "isolation-probe",
];

/** Each config breaks §6 at the path given beside it. */
const BAD_CONFIGS: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["pii.mode", { pii: { mode: "shred" } }],
  ["pii.extra", { pii: { mode: "flag", extra: 1 } }],
  ["classification.enabled", { classification: { enabled: "yes" } }],
  ["classification.labels[1]", { classification: { labels: ["finance", "Bad Label"] } }],
  ["classification.labels", { classification: { labels: ["a", "a"] } }],
  ["injection.threshold", { injection: { threshold: 1.5 } }],
  ["injection.threshold", { injection: { threshold: -0.1 } }],
  ["mime_allowlist[0]", { mime_allowlist: ["pdf"] }],
  ["mime_allowlist", { mime_allowlist: [] }],
  ["generation_enabled", { generation_enabled: "true" }],
  ["embedding.dimensions", { embedding: { dimensions: 1536 } }],
  ["embedding.model", { embedding: { model: "" } }],
  ["retention_days", { retention_days: 0 }],
  ["retention_days", { retention_days: 30.5 }],
  ["server.location", { server: { location: "mars1" } }],
  ["server.type", { server: { type: "CX 22" } }],
  ["server.image", { server: { image: "" } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["0.0.0.0/0"] } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["10.0.0.300/8"] } }],
  ["network.ingress[0].source_ips[0]", { network: { ingress: [{ protocol: "tcp", port: "5432", source_ips: ["0.0.0.0/0"] }] } }],
  ["network.ingress[0].source_ips[1]", { network: { ingress: [{ protocol: "tcp", port: "6000-7000", source_ips: ["10.0.0.0/8", "::/0"] }] } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["0::/0"] } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["::0/0"] } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["1.2.3.4/0"] } }],
  ["network.ssh_cidrs[0]", { network: { ssh_cidrs: ["::ffff:0:0/96"] } }],
  ["network.ssh_cidrs[1]", { network: { ssh_cidrs: ["0.0.0.0/1", "128.0.0.0/1"] } }],
  ["network.ingress[0].source_ips[0]", { network: { ingress: [{ protocol: "tcp", port: "9000-9001", source_ips: ["1.2.3.4/0"] }] } }],
  ["network.ingress[0].source_ips[1]", { network: { ingress: [{ protocol: "tcp", port: "5432", source_ips: ["0.0.0.0/1", "128.0.0.0/1"] }] } }],
  ["network.ingress[0].source_ips[0]", { network: { ingress: [{ protocol: "udp", port: 6379, source_ips: ["2000::/3"] }] } }],
  ["network.ingress[0].port", { network: { ingress: [{ protocol: "tcp", port: "22", source_ips: ["10.0.0.0/8"] }] } }],
  ["network.ingress[0].port", { network: { ingress: [{ protocol: "udp", source_ips: ["10.0.0.0/8"] }] } }],
  ["network.ingress[0].port", { network: { ingress: [{ protocol: "tcp", port: "70000", source_ips: ["10.0.0.0/8"] }] } }],
  ["network.ingress[0].protocol", { network: { ingress: [{ protocol: "gre", port: "1", source_ips: ["10.0.0.0/8"] }] } }],
  ["quotas.storage_gb", { quotas: { storage_gb: 0 } }],
  ["quotas.max_documents", { quotas: { max_documents: -5 } }],
  ["quotas.db_connections", { quotas: { db_connections: 10_000 } }],
  ["config_version", { config_version: 0 }],
  ["unknown_key", { unknown_key: true }],
];

const STORE_TYPES = /^(hcloud|minio|postgresql|random|pulumi-nodejs):|^frostbyte:tenant:Tenant$/;

function withTenants(tenants: unknown): Record<string, unknown> {
  return sampleStackConfig({ "frostbyte:tenants": tenants });
}

describe("bad input is refused before any store resource is registered", () => {
  it.each(BAD_TENANT_IDS.map((id) => [JSON.stringify(id), id]))("tenant id %s", async (_label, id) => {
    const run = await runProgram(withTenants([{ id }, { id: "good-one" }]));
    expect(run.error?.message).toContain(`tenant id ${JSON.stringify(id)}`);
    expect(run.error?.message).toContain("^[a-z][a-z0-9-]*[a-z0-9]$");
    expect(run.error?.message).toContain("frostbyte:tenants[0].id");
    expect(run.registrations.filter((r) => STORE_TYPES.test(r.type))).toEqual([]);
  });

  it.each(BAD_CONFIGS)("config at %s", async (path, config) => {
    const run = await runProgram(withTenants([{ id: "good-one" }, { id: "acme", config }]));
    expect(run.error?.message).toContain(`frostbyte:tenants[1].config.${path}:`);
    expect(run.registrations.filter((r) => STORE_TYPES.test(r.type))).toEqual([]);
  });

  it.each([
    ["frostbyte:mode", { "frostbyte:mode": "hybrid" }],
    ["frostbyte:controlPlaneDbUrl", { "frostbyte:controlPlaneDbUrl": "mysql://x" }],
    ["frostbyte:qdrant.apiKey", { "frostbyte:qdrant": { url: "http://127.0.0.1:6333" } }],
    ["frostbyte:redis.url", { "frostbyte:redis": { url: "http://x", adminUser: "a", adminPassword: "b" } }],
    ["frostbyte:operatorAgeRecipients[0]", { "frostbyte:operatorAgeRecipients": ["ssh-ed25519 AAAA"] }],
    ["hcloud:token", { "hcloud:token": "short" }],
    ["minio:minioServer", { "minio:minioServer": "no-port" }],
    ["postgresql:port", { "postgresql:port": "99999" }],
    ["frostbyte:tenants[1].id", { "frostbyte:tenants": [{ id: "twin" }, { id: "twin" }] }],
    ["frostbyte:tenants", { "frostbyte:tenants": "{not json" }],
  ])("stack config key %s", async (path, overrides) => {
    const run = await runProgram(sampleStackConfig(overrides));
    expect(run.error?.message).toContain(`${path}`);
    expect(run.registrations.filter((r) => STORE_TYPES.test(r.type))).toEqual([]);
  });

  it("refuses /8s that together cover the internet on a store port, naming both rules", async () => {
    const publicEights = Array.from({ length: 224 }, (_, i) => i).filter((i) => ![0, 10, 127].includes(i)).map((i) => `${i}.0.0.0/8`);
    const ingress = [
      { protocol: "tcp", port: "5432", source_ips: publicEights.slice(0, 100) },
      { protocol: "tcp", port: "5000-6000", source_ips: publicEights.slice(100) },
    ];
    const run = await runProgram(withTenants([{ id: "good-one" }, { id: "acme", config: { network: { ingress } } }]));
    expect(run.error?.message).toContain(
      "frostbyte:tenants[1].config.network: network.ingress[0].source_ips and network.ingress[1].source_ips together open PostgreSQL (5432) to the whole internet",
    );
    expect(run.registrations).toEqual([]);
  });

  it("refuses a control-plane connect_timeout that is not whole seconds, without quoting the URL's password", async () => {
    const run = await runProgram(sampleStackConfig({ "frostbyte:controlPlaneDbUrl": "postgres://runtime:cp-secret-pw@127.0.0.1:5432/cp?connect_timeout=soon" }));
    expect(run.error?.message).toContain('frostbyte:controlPlaneDbUrl: has connect_timeout "soon"; expected whole seconds');
    expect(run.error?.message).not.toContain("cp-secret-pw");
    expect(run.registrations.filter((r) => STORE_TYPES.test(r.type))).toEqual([]);
  });

  it("names a missing required key", async () => {
    const config = sampleStackConfig();
    delete config["frostbyte:redis"];
    const run = await runProgram(config);
    expect(run.error?.message).toContain("frostbyte:redis: is required but not set");
  });

  it("never quotes a secret value in an error", async () => {
    const run = await runProgram(sampleStackConfig({ "frostbyte:redis": { url: "ftp://x", adminUser: "a", adminPassword: "hunter2-secret-value" }, "hcloud:token": "leaky-token-value" }));
    expect(run.error?.message).toContain("frostbyte:redis.url");
    expect(run.error?.message).toContain("hcloud:token");
    expect(run.error?.message).not.toMatch(/hunter2|leaky-token/);
  });
});
