/**
 * Server flows of the Hetzner Cloud API test double, in the order terraform-provider-hcloud
 * (internal/server/resource.go) makes its calls: lookups, create, wait for action + next_actions,
 * attach networks, power on, read, firewalls, protection, delete. Also Primary IPs and SSH keys.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hcloudClient, type ErrorResponseBody, type HcloudClient } from "./client";
import { startHcloudApiDouble, type HcloudApiDouble } from "./server";
import type { Action, Firewall, Network, PrimaryIp, Server, SshKey } from "./types";

const TOKEN = "Z".repeat(64);

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

interface CreateServerResponse {
  server: Server;
  action: Action;
  next_actions: Action[];
  root_password: string | null;
}

function expectError(res: { status: number; body: unknown }, status: number, code: string): ErrorResponseBody["error"] {
  expect(res.status).toBe(status);
  const body = res.body as ErrorResponseBody;
  expect(body.error.code).toBe(code);
  return body.error;
}

async function createServer(body: Record<string, unknown>): Promise<CreateServerResponse> {
  const res = await api.post<CreateServerResponse>("/servers", { server_type: "cx22", image: "debian-12", location: "fsn1", ...body });
  expect(res.status).toBe(201);
  await settle([res.body.action.id, ...res.body.next_actions.map((a) => a.id)]);
  return res.body;
}

async function getServer(id: number): Promise<Server> {
  return (await api.get<{ server: Server }>(`/servers/${id}`)).body.server;
}

async function network(name: string, zone = "eu-central"): Promise<Network> {
  const res = await api.post<{ network: Network }>("/networks", { name, ip_range: "10.0.0.0/16", subnets: [{ type: "cloud", network_zone: zone, ip_range: "10.0.1.0/24" }] });
  expect(res.status).toBe(201);
  return res.body.network;
}

function sshPublicKey(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const lengthPrefixed = (b: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  return `ssh-ed25519 ${Buffer.concat([lengthPrefixed(Buffer.from("ssh-ed25519")), lengthPrefixed(raw)]).toString("base64")} test@frostbyte`;
}

describe("server create", () => {
  it("returns server, create_server action, start_server next action and a root password", async () => {
    const res = await api.post<CreateServerResponse>("/servers", {
      name: "srv-basic",
      server_type: "cx22",
      image: 114690387,
      location: "nbg1",
      user_data: "#cloud-config\n",
      labels: { "frostbyte.io/tenant": "acme" },
    });
    expect(res.status).toBe(201);
    const { server, action, next_actions, root_password } = res.body;
    expect(server).toMatchObject({
      name: "srv-basic",
      status: "initializing",
      server_type: { name: "cx22", architecture: "x86" },
      location: { name: "nbg1", network_zone: "eu-central" },
      image: { id: 114690387, name: "debian-12" },
      labels: { "frostbyte.io/tenant": "acme" },
      protection: { delete: false, rebuild: false },
      private_net: [],
      backup_window: null,
      rescue_enabled: false,
      locked: false,
      iso: null,
      placement_group: null,
      primary_disk_size: 40,
      volumes: [],
      load_balancers: [],
    });
    expect(server.public_net.ipv4).toMatchObject({ id: expect.any(Number), ip: expect.stringMatching(/^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/), blocked: false });
    expect(server.public_net.ipv6?.ip).toMatch(/^2001:db8:[0-9a-f]+::\/64$/);
    expect(server.public_net.firewalls).toEqual([]);
    expect(action).toMatchObject({ command: "create_server", status: "running", resources: [{ id: server.id, type: "server" }] });
    expect(next_actions.map((a) => a.command)).toEqual(["start_server"]);
    expect(root_password).toMatch(/^[A-Za-z0-9_-]{20}$/);

    await settle([action.id, ...next_actions.map((a) => a.id)]);
    expect((await getServer(server.id)).status).toBe("running");
    expect(double.userData("srv-basic")).toBe("#cloud-config\n");
    expect(JSON.stringify(server)).not.toContain("cloud-config");
    const ips = (await api.get<{ primary_ips: PrimaryIp[] }>("/primary_ips")).body.primary_ips.filter((p) => p.assignee_id === server.id);
    expect(ips.map((p) => [p.type, p.auto_delete, p.assignee_type])).toEqual([
      ["ipv4", true, "server"],
      ["ipv6", true, "server"],
    ]);
  });

  it("refuses unknown types, locations, images and duplicate names with the API's codes", async () => {
    const base = { name: "srv-bad", server_type: "cx22", image: "debian-12", location: "fsn1" };
    expect(expectError(await api.post("/servers", { ...base, server_type: "cx999" }), 422, "invalid_input").message).toBe("server type 'cx999' not found");
    expect(expectError(await api.post("/servers", { ...base, location: "ash1" }), 422, "invalid_input").message).toBe("location 'ash1' not found");
    expect(expectError(await api.post("/servers", { ...base, location: "ash" }), 422, "invalid_input").message).toBe("unsupported location for server type");
    expect(expectError(await api.post("/servers", { ...base, image: "windows-11" }), 422, "invalid_input").message).toBe("image 'windows-11' not found");
    expectError(await api.post("/servers", { ...base, name: "not a hostname" }), 422, "invalid_input");
    expectError(await api.post("/servers", { ...base, server_type: true }), 422, "invalid_input");
    expectError(await api.post("/servers", { ...base, name: "srv-basic" }), 409, "uniqueness_error");
    const arm = await api.post<CreateServerResponse>("/servers", { ...base, name: "srv-arm", server_type: "cax11" });
    expect(arm.body.server.image?.architecture).toBe("arm");
  });

  it("creates without public net and with start_after_create=false, then attaches and powers on (provider flow)", async () => {
    const net = await network("net-private");
    const created = await createServer({ name: "srv-private", public_net: { enable_ipv4: false, enable_ipv6: false }, start_after_create: false });
    expect(created.next_actions).toEqual([]);
    expect(created.server.public_net).toMatchObject({ ipv4: null, ipv6: null });
    expect((await getServer(created.server.id)).status).toBe("off");

    const attach = await api.post<{ action: Action }>(`/servers/${created.server.id}/actions/attach_to_network`, { network: net.id });
    expect(attach.body.action).toMatchObject({ command: "attach_to_network", resources: [{ id: created.server.id, type: "server" }, { id: net.id, type: "network" }] });
    expectError(await api.post(`/servers/${created.server.id}/actions/poweron`), 423, "locked");
    await settle([attach.body.action.id]);
    const on = await api.post<{ action: Action }>(`/servers/${created.server.id}/actions/poweron`);
    expect(on.body.action.command).toBe("start_server");
    expect((await getServer(created.server.id)).status).toBe("starting");
    await settle([on.body.action.id]);
    const server = await getServer(created.server.id);
    expect(server.status).toBe("running");
    expect(server.private_net).toEqual([{ network: net.id, ip: "10.0.1.1", alias_ips: [], mac_address: expect.stringMatching(/^86:00:00(:[0-9a-f]{2}){3}$/) }]);
    expect((await api.get<{ network: Network }>(`/networks/${net.id}`)).body.network.servers).toEqual([server.id]);

    expectError(await api.post(`/servers/${server.id}/actions/attach_to_network`, { network: net.id }), 422, "server_already_attached");
    const fw = await api.post("/firewalls", { name: "fw-private", apply_to: [{ type: "server", server: { id: server.id } }] });
    expectError(fw, 422, "private_net_only_server");
  });

  it("attaches networks and firewalls given at create, and allocates distinct IPs", async () => {
    const net = await network("net-create");
    const fw = (await api.post<{ firewall: Firewall }>("/firewalls", { name: "fw-create-srv" })).body.firewall;
    const a = await createServer({ name: "srv-net-a", networks: [net.id], firewalls: [{ firewall: fw.id }] });
    expect(a.next_actions.map((x) => x.command)).toEqual(["start_server", "attach_to_network", "apply_firewall"]);
    const b = await createServer({ name: "srv-net-b", networks: [net.id] });
    const [sa, sb] = [await getServer(a.server.id), await getServer(b.server.id)];
    expect([sa.private_net[0]?.ip, sb.private_net[0]?.ip]).toEqual(["10.0.1.1", "10.0.1.2"]);
    expect(sa.public_net.firewalls).toEqual([{ id: fw.id, status: "applied" }]);
    expect(double.firewalls().find((f) => f.id === fw.id)?.applied_to).toEqual([{ type: "server", server: { id: sa.id } }]);

    const ash = await network("net-us", "us-east");
    expectError(await api.post(`/servers/${sa.id}/actions/attach_to_network`, { network: ash.id }), 422, "networks_overlap");
    const other = (await api.post<{ network: Network }>("/networks", { name: "net-us-2", ip_range: "172.16.0.0/16", subnets: [{ type: "cloud", network_zone: "us-east", ip_range: "172.16.0.0/24" }] })).body.network;
    expectError(await api.post(`/servers/${sa.id}/actions/attach_to_network`, { network: other.id }), 422, "no_subnet_available");
    const third = (await api.post<{ network: Network }>("/networks", { name: "net-eu-3", ip_range: "192.168.0.0/16", subnets: [{ type: "cloud", network_zone: "eu-central", ip_range: "192.168.5.0/24" }] })).body.network;
    expectError(await api.post(`/servers/${sa.id}/actions/attach_to_network`, { network: third.id, ip: "192.168.9.9" }), 422, "ip_not_available");
    const fixed = await api.post<{ action: Action }>(`/servers/${sa.id}/actions/attach_to_network`, { network: third.id, ip: "192.168.5.20", alias_ips: ["192.168.5.21"] });
    await settle([fixed.body.action.id]);
    expect((await getServer(sa.id)).private_net.find((p) => p.network === third.id)).toMatchObject({ ip: "192.168.5.20", alias_ips: ["192.168.5.21"] });
    const subnetDelete = expectError(await api.post(`/networks/${third.id}/actions/delete_subnet`, { ip_range: "192.168.5.0/24" }), 422, "service_error");
    expect(subnetDelete.message).toContain("network has attached resources");
    const detach = await api.post<{ action: Action }>(`/servers/${sa.id}/actions/detach_from_network`, { network: third.id });
    await settle([detach.body.action.id]);
    expectError(await api.post(`/servers/${sa.id}/actions/detach_from_network`, { network: third.id }), 404, "not_found");

    // Deleting a network detaches its servers ("Attached resources will be detached automatically").
    expect((await api.del(`/networks/${net.id}`)).status).toBe(204);
    expect((await getServer(sb.id)).private_net).toEqual([]);
  });
});

describe("server lifecycle", () => {
  it("powers off, shuts down, reboots, protects and deletes", async () => {
    const { server } = await createServer({ name: "srv-life", labels: { role: "web" } });
    const off = await api.post<{ action: Action }>(`/servers/${server.id}/actions/poweroff`);
    expect(off.status).toBe(201);
    expect(off.body.action.command).toBe("stop_server");
    expect((await getServer(server.id)).status).toBe("stopping");
    await settle([off.body.action.id]);
    expect((await getServer(server.id)).status).toBe("off");
    const on = await api.post<{ action: Action }>(`/servers/${server.id}/actions/poweron`);
    await settle([on.body.action.id]);
    const down = await api.post<{ action: Action }>(`/servers/${server.id}/actions/shutdown`);
    expect(down.body.action.command).toBe("shutdown_server");
    await settle([down.body.action.id]);
    expect((await getServer(server.id)).status).toBe("off");
    const reboot = await api.post<{ action: Action }>(`/servers/${server.id}/actions/reboot`);
    expect(reboot.body.action.command).toBe("reboot_server");
    await settle([reboot.body.action.id]);

    const renamed = await api.put<{ server: Server }>(`/servers/${server.id}`, { name: "srv-life-2", labels: { role: "db" } });
    expect(renamed.body.server).toMatchObject({ name: "srv-life-2", labels: { role: "db" } });
    const listed = await api.get<{ servers: Server[] }>("/servers?label_selector=role%3Ddb&status=running");
    expect(listed.body.servers.map((s) => s.id)).toEqual([server.id]);

    const protect = await api.post<{ action: Action }>(`/servers/${server.id}/actions/change_protection`, { delete: true, rebuild: true });
    await settle([protect.body.action.id]);
    expectError(await api.del(`/servers/${server.id}`), 423, "protected");
    await settle([(await api.post<{ action: Action }>(`/servers/${server.id}/actions/change_protection`, { delete: false, rebuild: false })).body.action.id]);

    const ipIds = [server.public_net.ipv4?.id, server.public_net.ipv6?.id];
    const del = await api.del<{ action: Action }>(`/servers/${server.id}`);
    expect(del.status).toBe(200);
    expect(del.body.action).toMatchObject({ command: "delete_server", status: "running" });
    expect((await getServer(server.id)).status).toBe("deleting");
    await settle([del.body.action.id]);
    expectError(await api.get(`/servers/${server.id}`), 404, "not_found");
    for (const id of ipIds) expectError(await api.get(`/primary_ips/${id}`), 404, "not_found");
    expectError(await api.post(`/servers/${server.id}/actions/poweron`), 404, "not_found");
  });

  it("keeps firewall label selectors in sync with server labels", async () => {
    const fw = (await api.post<{ firewall: Firewall; actions: Action[] }>("/firewalls", { name: "fw-sync", apply_to: [{ type: "label_selector", label_selector: { selector: "sync=yes" } }] })).body;
    const { server } = await createServer({ name: "srv-sync", labels: { sync: "yes" } });
    expect((await getServer(server.id)).public_net.firewalls).toEqual([{ id: fw.firewall.id, status: "applied" }]);
    expect((await api.get<{ firewall: Firewall }>(`/firewalls/${fw.firewall.id}`)).body.firewall.applied_to[0]?.applied_to_resources).toEqual([{ type: "server", server: { id: server.id } }]);
    expectError(await api.post(`/firewalls/${fw.firewall.id}/actions/remove_from_resources`, { remove_from: [{ type: "server", server: { id: server.id } }] }), 422, "firewall_managed_by_label_selector");
    await api.put(`/servers/${server.id}`, { labels: {} });
    expect((await getServer(server.id)).public_net.firewalls).toEqual([]);
    const applied = await api.post<{ actions: Action[] }>(`/firewalls/${fw.firewall.id}/actions/apply_to_resources`, { apply_to: [{ type: "server", server: { id: server.id } }] });
    expect(applied.body.actions[0]).toMatchObject({ command: "apply_firewall", resources: [{ id: server.id, type: "server" }, { id: fw.firewall.id, type: "firewall" }] });
    expect((await getServer(server.id)).public_net.firewalls).toEqual([{ id: fw.firewall.id, status: "pending" }]);
    await settle(applied.body.actions.map((a) => a.id));
    expect((await getServer(server.id)).public_net.firewalls).toEqual([{ id: fw.firewall.id, status: "applied" }]);
    expectError(await api.post(`/firewalls/${fw.firewall.id}/actions/apply_to_resources`, { apply_to: [{ type: "server", server: { id: 1 } }] }), 404, "firewall_resource_not_found");
  });

  it("fails a create action on request and leaves the server off", async () => {
    double.failNextAction({ command: "create_server" });
    const res = await api.post<CreateServerResponse>("/servers", { name: "srv-fail", server_type: "cpx11", image: "ubuntu-24.04", location: "ash" });
    expect(res.status).toBe(201);
    const results = await settle([res.body.action.id, ...res.body.next_actions.map((a) => a.id)]);
    expect(results.map((a) => [a.status, a.error?.code])).toEqual([
      ["error", "action_failed"],
      ["error", "action_failed"],
    ]);
    expect((await getServer(res.body.server.id)).status).toBe("off");
  });

  it("records what the client did for test assertions", async () => {
    double.clearRequests();
    await api.get("/servers?name=srv-basic");
    const [entry] = double.requests();
    expect(entry).toMatchObject({ method: "GET", path: "/servers", query: { name: ["srv-basic"] }, status: 200, errorCode: null });
    expect(double.servers().find((s) => s.name === "srv-basic")?.status).toBe("running");
    expect(double.snapshot().actions.length).toBeGreaterThan(0);
  });
});

describe("primary IPs and SSH keys", () => {
  it("creates, assigns, unassigns and deletes primary IPs", async () => {
    const created = await api.post<{ primary_ip: PrimaryIp; action: Action | null }>("/primary_ips", { name: "pip-1", type: "ipv4", assignee_type: "server", location: "fsn1", labels: { a: "b" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ primary_ip: { name: "pip-1", type: "ipv4", assignee_id: null, auto_delete: false, location: { name: "fsn1" }, labels: { a: "b" } }, action: null });
    const ip = created.body.primary_ip;
    const { server } = await createServer({ name: "srv-pip", public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: ip.id } });
    expect(server.public_net.ipv4?.id).toBe(ip.id);
    expect(server.public_net.ipv6).toBeNull();
    expectError(await api.del(`/primary_ips/${ip.id}`), 422, "must_be_unassigned");
    expectError(await api.post(`/primary_ips/${ip.id}/actions/unassign`), 422, "server_not_stopped");
    await settle([(await api.post<{ action: Action }>(`/servers/${server.id}/actions/poweroff`)).body.action.id]);
    const unassign = await api.post<{ action: Action }>(`/primary_ips/${ip.id}/actions/unassign`);
    expect(unassign.body.action.command).toBe("unassign_primary_ip");
    await settle([unassign.body.action.id]);
    const v6 = (await api.post<{ primary_ip: PrimaryIp }>("/primary_ips", { name: "pip-6", type: "ipv6", assignee_type: "server", location: "fsn1" })).body.primary_ip;
    expectError(await api.post("/servers", { name: "srv-pip-2", server_type: "cx22", image: "debian-12", location: "fsn1", public_net: { ipv4: v6.id } }), 412, "primary_ip_version_mismatch");
    const assign = await api.post<{ action: Action }>(`/primary_ips/${ip.id}/actions/assign`, { assignee_id: server.id, assignee_type: "server" });
    await settle([assign.body.action.id]);
    expectError(await api.post(`/primary_ips/${ip.id}/actions/assign`, { assignee_id: server.id, assignee_type: "server" }), 422, "primary_ip_already_assigned");
    const v4b = (await api.post<{ primary_ip: PrimaryIp }>("/primary_ips", { name: "pip-4b", type: "ipv4", assignee_type: "server", location: "fsn1" })).body.primary_ip;
    expectError(await api.post(`/primary_ips/${v4b.id}/actions/assign`, { assignee_id: server.id, assignee_type: "server" }), 422, "server_has_ipv4");
    const assign6 = await api.post<{ action: Action }>(`/primary_ips/${v6.id}/actions/assign`, { assignee_id: server.id, assignee_type: "server" });
    await settle([assign6.body.action.id]);
    expect((await getServer(server.id)).public_net.ipv6?.id).toBe(v6.id);
    expect((await api.del(`/primary_ips/${v4b.id}`)).status).toBe(204);
  });

  it("creates SSH keys with MD5 fingerprints and resolves them in server create", async () => {
    const publicKey = sshPublicKey();
    const res = await api.post<{ ssh_key: SshKey }>("/ssh_keys", { name: "key-1", public_key: publicKey, labels: { who: "ci" } });
    expect(res.status).toBe(201);
    expect(res.body.ssh_key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expectError(await api.post("/ssh_keys", { name: "key-2", public_key: publicKey }), 409, "uniqueness_error");
    expectError(await api.post("/ssh_keys", { name: "key-3", public_key: "ssh-ed25519 not-base64!" }), 422, "invalid_input");
    const byName = await api.get<{ ssh_keys: SshKey[] }>("/ssh_keys?name=key-1");
    expect(byName.body.ssh_keys.map((k) => k.id)).toEqual([res.body.ssh_key.id]);
    const created = await api.post<CreateServerResponse>("/servers", { name: "srv-key", server_type: "cx22", image: "debian-12", ssh_keys: [res.body.ssh_key.id] });
    expect(created.body.root_password).toBeNull();
    expect(created.body.server.location.name).toBe("fsn1");
    expectError(await api.post("/servers", { name: "srv-key-2", server_type: "cx22", image: "debian-12", ssh_keys: ["nope"] }), 422, "invalid_input");
    expect((await api.del(`/ssh_keys/${res.body.ssh_key.id}`)).status).toBe(204);
  });
});
