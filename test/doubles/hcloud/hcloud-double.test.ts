/**
 * Drives the Hetzner Cloud API test double over HTTP: auth, catalog, networks, firewalls,
 * actions, label selectors, pagination, error bodies. Server-side flows are in
 * hcloud-double-servers.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hcloudClient, type ErrorResponseBody, type HcloudClient } from "./client";
import { matchesSelector, parseLabelSelector } from "./labels";
import { startHcloudApiDouble, type HcloudApiDouble } from "./server";
import type { Action, Firewall, Location, Network, Pagination, ServerType } from "./types";

const TOKEN = "a".repeat(64);

let double: HcloudApiDouble;
let api: HcloudClient;

beforeAll(async () => {
  double = await startHcloudApiDouble({ token: TOKEN, actionDelayMs: 60_000 });
  api = hcloudClient(double, TOKEN);
});
afterAll(async () => {
  await double.close();
});

/** Actions here run for a minute so "still running" checks cannot race; tests settle them explicitly. */
async function settle(ids: readonly number[]) {
  double.settleActions();
  return api.waitFor(ids);
}
beforeEach(() => {
  double.clearRequests();
});

function expectError(res: { status: number; body: unknown }, status: number, code: string): ErrorResponseBody["error"] {
  expect(res.status).toBe(status);
  const body = res.body as ErrorResponseBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.details).toBeTypeOf("object");
  return body.error;
}

async function createNetwork(name: string, extra: Record<string, unknown> = {}): Promise<Network> {
  const res = await api.post<{ network: Network }>("/networks", { name, ip_range: "10.0.0.0/16", ...extra });
  expect(res.status).toBe(201);
  return res.body.network;
}

describe("listening and auth", () => {
  it("binds to 127.0.0.1 and serves under /v1", () => {
    expect(double.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it("answers 401 unauthorized without, or with a wrong, bearer token", async () => {
    for (const auth of [null, `Bearer ${"b".repeat(64)}`, TOKEN, `Basic ${TOKEN}`]) {
      const res = await api.call("GET", "/networks", undefined, auth);
      expect(expectError(res, 401, "unauthorized").message).toBe("unable to authenticate");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect((await api.get("/networks")).status).toBe(200);
  });

  it("sends rate-limit and correlation headers, 404 for unknown paths, 405 for wrong methods", async () => {
    const ok = await api.get("/locations");
    expect(ok.headers.get("ratelimit-limit")).toBe("3600");
    expect(Number(ok.headers.get("ratelimit-remaining"))).toBeGreaterThan(0);
    expect(ok.headers.get("x-correlation-id")).toMatch(/^[0-9a-f]{16}$/);
    expectError(await api.get("/volumes-nope"), 404, "not_found");
    expectError(await api.call("PATCH", "/networks"), 405, "method_not_allowed");
    expectError(await api.call("POST", "/networks", "{not json"), 400, "json_error");
  });
});

describe("catalog", () => {
  it("finds server types by name, with the fields hcloud-go reads", async () => {
    const res = await api.get<{ server_types: ServerType[]; meta: { pagination: Pagination } }>("/server_types?name=cx22");
    expect(res.body.server_types).toHaveLength(1);
    const cx22 = res.body.server_types[0];
    expect(cx22).toMatchObject({ name: "cx22", cores: 2, memory: 4, disk: 40, architecture: "x86", cpu_type: "shared", storage_type: "local", deprecated: false, deprecation: null });
    expect(cx22?.locations.map((l) => l.name)).toEqual(["fsn1", "nbg1", "hel1"]);
    expect(cx22?.prices[0]).toMatchObject({ location: "fsn1", price_monthly: { net: expect.any(String), gross: expect.any(String) } });
    expect(res.body.meta.pagination).toEqual({ page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: 1 });
    expect((await api.get<{ server_types: ServerType[] }>("/server_types?name=nope")).body.server_types).toEqual([]);
    expectError(await api.get("/server_types/999999"), 404, "not_found");
  });

  it("looks images up by name and architecture, like Image.GetForArchitecture", async () => {
    const x86 = await api.get<{ images: { id: number; architecture: string; name: string }[] }>("/images?name=debian-12&architecture=x86&include_deprecated=true");
    const arm = await api.get<{ images: { id: number; architecture: string }[] }>("/images?name=debian-12&architecture=arm");
    expect(x86.body.images).toHaveLength(1);
    expect(arm.body.images).toHaveLength(1);
    expect(x86.body.images[0]?.id).not.toBe(arm.body.images[0]?.id);
    const byId = await api.get<{ image: { name: string; type: string; status: string } }>(`/images/${x86.body.images[0]?.id}`);
    expect(byId.body.image).toMatchObject({ name: "debian-12", type: "system", status: "available" });
    expectError(await api.get("/images?architecture=mips"), 422, "invalid_input");
  });

  it("has the seeded locations with their network zones, and datacenters", async () => {
    const res = await api.get<{ locations: Location[] }>("/locations");
    expect(Object.fromEntries(res.body.locations.map((l) => [l.name, l.network_zone]))).toEqual({
      fsn1: "eu-central",
      nbg1: "eu-central",
      hel1: "eu-central",
      ash: "us-east",
      hil: "us-west",
      sin: "ap-southeast",
    });
    const dcs = await api.get<{ datacenters: { name: string; location: Location }[]; recommendation: number }>("/datacenters?name=fsn1-dc14");
    expect(dcs.body.datacenters[0]?.location.name).toBe("fsn1");
    expect(dcs.body.recommendation).toEqual(expect.any(Number));
  });
});

describe("networks", () => {
  it("creates, reads, updates and deletes with the real shapes", async () => {
    const net = await createNetwork("net-crud", { labels: { "frostbyte.io/tenant": "acme" }, subnets: [{ type: "cloud", network_zone: "eu-central", ip_range: "10.0.1.0/24" }] });
    expect(net).toMatchObject({
      name: "net-crud",
      ip_range: "10.0.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central", gateway: "10.0.0.1" }],
      routes: [],
      servers: [],
      load_balancers: [],
      protection: { delete: false },
      labels: { "frostbyte.io/tenant": "acme" },
      expose_routes_to_vswitch: false,
    });
    expect(net.id).toEqual(expect.any(Number));
    expect(net.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await api.get<{ network: Network }>(`/networks/${net.id}`)).body.network).toEqual(net);

    const updated = await api.put<{ network: Network }>(`/networks/${net.id}`, { name: "net-crud-2", labels: { a: "b" } });
    expect(updated.body.network).toMatchObject({ name: "net-crud-2", labels: { a: "b" } });
    const del = await api.del(`/networks/${net.id}`);
    expect(del.status).toBe(204);
    expect(del.headers.get("content-type")).toBeNull();
    expectError(await api.get(`/networks/${net.id}`), 404, "not_found");
    expectError(await api.del(`/networks/${net.id}`), 404, "not_found");
  });

  it("refuses duplicate names, bad ranges and missing fields like the API", async () => {
    await createNetwork("net-dup");
    const dup = expectError(await api.post("/networks", { name: "net-dup", ip_range: "10.1.0.0/16" }), 409, "uniqueness_error");
    expect(dup.details).toEqual({ fields: [{ name: "name" }] });
    const missing = expectError(await api.post("/networks", { name: "x" }), 422, "invalid_input");
    expect(missing).toEqual({ code: "invalid_input", message: "invalid input in field 'ip_range'", details: { fields: [{ name: "ip_range", messages: ["Missing data for required field."] }] } });
    expectError(await api.post("/networks", { name: "pub", ip_range: "8.8.0.0/16" }), 422, "invalid_input");
    expectError(await api.post("/networks", { name: "tiny", ip_range: "10.0.0.0/28" }), 422, "invalid_input");
    expectError(await api.post("/networks", { name: "bad-label", ip_range: "10.0.0.0/16", labels: { "hetzner.cloud/x": "y" } }), 422, "invalid_input");
  });

  it("adds subnets through actions that go running -> success on their own after the delay", async () => {
    const timed = await startHcloudApiDouble({ token: TOKEN, actionDelayMs: 50 });
    try {
      const client = hcloudClient(timed, TOKEN);
      const net = (await client.post<{ network: Network }>("/networks", { name: "net-timed", ip_range: "10.0.0.0/16" })).body.network;
      const res = await client.post<{ action: Action }>(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" });
      expect(res.status).toBe(201);
      expect(res.body.action).toMatchObject({ command: "add_subnet", status: "running", progress: expect.any(Number), finished: null, error: null, resources: [{ id: net.id, type: "network" }] });
      const started = Date.now();
      const [done] = await client.waitFor([res.body.action.id]);
      expect(done?.status).toBe("success");
      expect(Date.now() - started).toBeGreaterThanOrEqual(30);
      const fetched = (await client.get<{ action: Action }>(`/actions/${res.body.action.id}`)).body.action;
      expect(fetched).toMatchObject({ status: "success", progress: 100, finished: expect.stringMatching(/Z$/) });
      const after = (await client.get<{ network: Network }>(`/networks/${net.id}`)).body.network;
      expect(after.subnets.map((s) => s.ip_range)).toEqual(["10.0.0.0/24"]);
    } finally {
      await timed.close();
    }
  });

  it("validates subnets against the network", async () => {
    const net = await createNetwork("net-subnets", { subnets: [{ type: "cloud", network_zone: "eu-central", ip_range: "10.0.0.0/24" }] });
    const outside = expectError(await api.post(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "192.168.0.0/24" }), 422, "invalid_input");
    expect(outside.message).toMatch(/not within the network ip_range/);
    expectError(await api.post(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "10.0.0.0/25" }), 422, "invalid_input");
    expectError(await api.post(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "mars" }), 422, "invalid_input");
    const auto = await api.post<{ action: Action }>(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "us-east" });
    await settle([auto.body.action.id]);
    expect(double.networks().find((n) => n.id === net.id)?.subnets.map((x) => [x.ip_range, x.network_zone])).toEqual([
      ["10.0.0.0/24", "eu-central"],
      ["10.0.1.0/24", "us-east"],
    ]);
  });

  it("answers conflict while a network action is running, and handles routes, ranges, protection", async () => {
    const net = await createNetwork("net-actions", { subnets: [{ type: "cloud", network_zone: "eu-central", ip_range: "10.0.1.0/24" }] });
    const route = await api.post<{ action: Action }>(`/networks/${net.id}/actions/add_route`, { destination: "10.100.1.0/24", gateway: "10.0.1.5" });
    expect(route.body.action.command).toBe("add_route");
    expectError(await api.post(`/networks/${net.id}/actions/add_route`, { destination: "10.100.2.0/24", gateway: "10.0.1.5" }), 409, "conflict");
    await settle([route.body.action.id]);
    const overlap = expectError(await api.post(`/networks/${net.id}/actions/add_route`, { destination: "10.0.1.0/25", gateway: "10.0.1.5" }), 422, "invalid_input");
    expect(overlap.message).toBe("network route destination overlaps with another subnetwork or network route");

    const wider = await api.post<{ action: Action }>(`/networks/${net.id}/actions/change_ip_range`, { ip_range: "10.0.0.0/15" });
    await settle([wider.body.action.id]);
    expectError(await api.post(`/networks/${net.id}/actions/change_ip_range`, { ip_range: "10.0.0.0/16" }), 422, "invalid_input");

    const protect = await api.post<{ action: Action }>(`/networks/${net.id}/actions/change_protection`, { delete: true });
    await settle([protect.body.action.id]);
    expectError(await api.del(`/networks/${net.id}`), 423, "protected");
    const unprotect = await api.post<{ action: Action }>(`/networks/${net.id}/actions/change_protection`, { delete: false });
    await settle([unprotect.body.action.id]);
    const delRoute = await api.post<{ action: Action }>(`/networks/${net.id}/actions/delete_route`, { destination: "10.100.1.0/24", gateway: "10.0.1.5" });
    await settle([delRoute.body.action.id]);
    const state = double.networks().find((n) => n.id === net.id);
    expect(state).toMatchObject({ ip_range: "10.0.0.0/15", routes: [], protection: { delete: false } });
    expect((await api.del(`/networks/${net.id}`)).status).toBe(204);
  });
});

describe("firewalls", () => {
  const rules = [
    { direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0", "::/0"], description: "ssh" },
    { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0"] },
  ];

  it("creates with rules and a label selector, returning actions and the real rule shape", async () => {
    const res = await api.post<{ firewall: Firewall; actions: Action[] }>("/firewalls", {
      name: "fw-create",
      labels: { tier: "edge" },
      rules,
      apply_to: [{ type: "label_selector", label_selector: { selector: "frostbyte.io/tenant=acme" } }],
    });
    expect(res.status).toBe(201);
    expect(res.body.firewall).toMatchObject({
      name: "fw-create",
      labels: { tier: "edge" },
      rules: [
        { direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0", "::/0"], destination_ips: [], description: "ssh" },
        { direction: "in", protocol: "icmp", port: null, source_ips: ["0.0.0.0/0"], destination_ips: [], description: null },
      ],
      applied_to: [{ type: "label_selector", label_selector: { selector: "frostbyte.io/tenant=acme" }, applied_to_resources: [] }],
    });
    expect(res.body.actions.map((a) => a.command)).toEqual(["set_firewall_rules", "apply_firewall"]);
    expect((await settle(res.body.actions.map((a) => a.id))).every((a) => a.status === "success")).toBe(true);
  });

  it("validates rules, names and deletion while applied", async () => {
    expectError(await api.post("/firewalls", { name: "fw-bad", rules: [{ direction: "in", protocol: "tcp", source_ips: ["0.0.0.0/0"] }] }), 422, "invalid_input");
    expectError(await api.post("/firewalls", { name: "fw-bad", rules: [{ direction: "sideways", protocol: "tcp", port: "1", source_ips: ["0.0.0.0/0"] }] }), 422, "invalid_input");
    expectError(await api.post("/firewalls", { name: "fw-bad", rules: [{ direction: "in", protocol: "icmp", port: "1", source_ips: ["0.0.0.0/0"] }] }), 422, "invalid_input");
    expectError(await api.post("/firewalls", { name: "fw-create" }), 409, "uniqueness_error");
    const missing = expectError(await api.post("/firewalls", { name: "fw-x", apply_to: [{ type: "server", server: { id: 424242 } }] }), 422, "firewall_resource_not_found");
    expect(missing.message).toMatch(/424242/);

    const fw = (await api.post<{ firewall: Firewall; actions: Action[] }>("/firewalls", { name: "fw-sel", apply_to: [{ type: "label_selector", label_selector: { selector: "role=db" } }] })).body;
    await settle(fw.actions.map((a) => a.id));
    expectError(await api.post(`/firewalls/${fw.firewall.id}/actions/apply_to_resources`, { apply_to: [{ type: "label_selector", label_selector: { selector: "role=db" } }] }), 422, "firewall_already_applied");
    expectError(await api.del(`/firewalls/${fw.firewall.id}`), 422, "resource_in_use");
    expectError(await api.post(`/firewalls/${fw.firewall.id}/actions/remove_from_resources`, { remove_from: [{ type: "label_selector", label_selector: { selector: "role=web" } }] }), 404, "firewall_resource_not_found");
    const removed = await api.post<{ actions: Action[] }>(`/firewalls/${fw.firewall.id}/actions/remove_from_resources`, { remove_from: [{ type: "label_selector", label_selector: { selector: "role=db" } }] });
    expect(removed.body.actions.map((a) => a.command)).toEqual(["remove_firewall"]);
    await settle(removed.body.actions.map((a) => a.id));

    const set = await api.post<{ actions: Action[] }>(`/firewalls/${fw.firewall.id}/actions/set_rules`, { rules });
    expect(set.body.actions.map((a) => a.command)).toEqual(["set_firewall_rules"]);
    await settle(set.body.actions.map((a) => a.id));
    expect(double.firewalls().find((f) => f.id === fw.firewall.id)?.rules).toHaveLength(2);
    const renamed = await api.put<{ firewall: Firewall }>(`/firewalls/${fw.firewall.id}`, { name: "fw-sel-2", labels: {} });
    expect(renamed.body.firewall.name).toBe("fw-sel-2");
    expect((await api.del(`/firewalls/${fw.firewall.id}`)).status).toBe(204);
  });
});

describe("actions endpoints", () => {
  it("lists actions by id, requires ids, and 404s unknown ones", async () => {
    const net = await createNetwork("net-actlist");
    const a = (await api.post<{ action: Action }>(`/networks/${net.id}/actions/change_protection`, { delete: false })).body.action;
    await settle([a.id]);
    const b = (await api.post<{ action: Action }>(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "us-east" })).body.action;
    const list = await api.get<{ actions: Action[] }>(`/actions?id=${a.id}&id=${b.id}&sort=status&sort=id`);
    expect(list.body.actions.map((x) => [x.id, x.status])).toEqual([
      [b.id, "running"],
      [a.id, "success"],
    ]);
    expectError(await api.get("/actions"), 422, "invalid_input");
    expectError(await api.get("/actions/1"), 404, "not_found");
    const perNetwork = await api.get<{ actions: Action[]; meta: { pagination: Pagination } }>(`/networks/${net.id}/actions?sort=id:desc`);
    expect(perNetwork.body.actions.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(perNetwork.body.meta.pagination.total_entries).toBe(2);
    expect((await api.get<{ action: Action }>(`/networks/actions/${a.id}`)).body.action.id).toBe(a.id);
    await settle([b.id]);
  });

  it("fails the next matching action on request, with the API's action error object", async () => {
    const net = await createNetwork("net-fail");
    double.failNextAction({ command: "add_subnet", code: "action_failed", message: "subnet could not be created" });
    const action = (await api.post<{ action: Action }>(`/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" })).body.action;
    const [done] = await settle([action.id]);
    expect(done).toMatchObject({ status: "error", error: { code: "action_failed", message: "subnet could not be created" } });
  });

  it("injects request failures before the handler runs", async () => {
    double.failNextRequest({ method: "POST", path: "/networks", code: "rate_limit_exceeded" });
    expectError(await api.post("/networks", { name: "net-rl", ip_range: "10.0.0.0/16" }), 429, "rate_limit_exceeded");
    expect((await api.post("/networks", { name: "net-rl", ip_range: "10.0.0.0/16" })).status).toBe(201);
    const logged = double.requests().filter((r) => r.path === "/networks" && r.method === "POST");
    expect(logged.map((r) => [r.status, r.errorCode])).toEqual([
      [429, "rate_limit_exceeded"],
      [201, null],
    ]);
    expect(logged[0]?.body).toEqual({ name: "net-rl", ip_range: "10.0.0.0/16" });
  });
});

describe("label selectors", () => {
  const labels = { env: "prod", tier: "web", "frostbyte.io/tenant": "acme" };
  it.each([
    ["env=prod", true],
    ["env==prod", true],
    ["env!=prod", false],
    ["env!=dev", true],
    ["missing!=x", true],
    ["env", true],
    ["!env", false],
    ["!missing", true],
    ["env in (dev,prod)", true],
    ["env notin (dev, prod)", false],
    ["env=prod,tier=web", true],
    ["env=prod,tier=db", false],
    ["frostbyte.io/tenant=acme", true],
    ["", true],
  ])("%s -> %s", (selector, expected) => {
    expect(matchesSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it("filters list endpoints and rejects malformed selectors", async () => {
    await createNetwork("net-lbl-a", { labels: { team: "a", env: "prod" } });
    await createNetwork("net-lbl-b", { labels: { team: "b" } });
    const names = async (sel: string) => (await api.get<{ networks: Network[] }>(`/networks?label_selector=${encodeURIComponent(sel)}`)).body.networks.map((n) => n.name);
    expect(await names("team=a")).toEqual(["net-lbl-a"]);
    expect(await names("team,!env")).toEqual(["net-lbl-b"]);
    expect(await names("team in (a,b)")).toEqual(["net-lbl-a", "net-lbl-b"]);
    expectError(await api.get(`/networks?label_selector=${encodeURIComponent("team=(a")}`), 422, "invalid_input");
    expect((await api.get<{ networks: Network[] }>("/networks?name=net-lbl-b")).body.networks.map((n) => n.name)).toEqual(["net-lbl-b"]);
  });
});

describe("pagination", () => {
  it("pages with meta.pagination and Link headers, default 25 and max 50 per page", async () => {
    const prefix = `pg-${Date.now()}`;
    for (let i = 0; i < 30; i++) await createNetwork(`${prefix}-${String(i).padStart(2, "0")}`, { labels: { page: prefix } });
    const sel = `label_selector=${encodeURIComponent(`page=${prefix}`)}`;
    const first = await api.get<{ networks: Network[]; meta: { pagination: Pagination } }>(`/networks?${sel}`);
    expect(first.body.networks).toHaveLength(25);
    expect(first.body.meta.pagination).toEqual({ page: 1, per_page: 25, previous_page: null, next_page: 2, last_page: 2, total_entries: 30 });
    expect(first.headers.get("link")).toContain('rel="next"');
    const third = await api.get<{ networks: Network[]; meta: { pagination: Pagination } }>(`/networks?${sel}&page=3&per_page=10&sort=name:desc`);
    expect(third.body.networks.map((n) => n.name)).toEqual([...Array(10).keys()].map((i) => `${prefix}-${String(9 - i).padStart(2, "0")}`));
    expect(third.body.meta.pagination).toEqual({ page: 3, per_page: 10, previous_page: 2, next_page: null, last_page: 3, total_entries: 30 });
    const big = await api.get<{ networks: Network[]; meta: { pagination: Pagination } }>(`/networks?${sel}&per_page=500`);
    expect(big.body.meta.pagination.per_page).toBe(50);
    expect(big.body.networks).toHaveLength(30);
    expectError(await api.get("/networks?page=0"), 422, "invalid_input");
    expectError(await api.get("/networks?sort=color"), 422, "invalid_input");
  });
});
