/**
 * `/servers` CRUD. Create returns `{server, action, next_actions, root_password}` with a
 * `create_server` action and a `start_server` next action (hcloud-go `schema.ServerCreateResponse`);
 * delete returns `{action}` (`delete_server`). Lookup errors use the API's `invalid_input`
 * messages, e.g. "location 'x' not found", "unsupported location for server type".
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ApiError, invalidField, invalidInputMessage, notFound, uniquenessError } from "./errors";
import { filterByName, listReply, sortItems, type RequestContext } from "./http";
import { assertValidLabels, filterBySelector } from "./labels";
import { allocatePrimaryIp, assertAssignable } from "./primary-ips";
import { primaryIpsOf, renderServer } from "./render";
import type { Router } from "./router";
import { findLocation, findServerType } from "./seed";
import { attachServer } from "./server-networks";
import { findSshKey } from "./ssh-keys";
import type { PrimaryIpRecord, ServerRecord, Store } from "./state";
import type { Action, Image, ServerType } from "./types";

const idOrName = z.union([z.string(), z.number().int()]);
const labels = z.record(z.string(), z.string());
const createInput = z.object({
  name: z.string(),
  server_type: idOrName,
  image: idOrName,
  location: z.string().optional(),
  datacenter: z.string().optional(),
  start_after_create: z.boolean().optional(),
  ssh_keys: z.array(idOrName).optional(),
  volumes: z.array(z.number().int()).optional(),
  networks: z.array(z.number().int()).optional(),
  firewalls: z.array(z.object({ firewall: z.number().int() })).optional(),
  placement_group: z.number().int().optional(),
  user_data: z.string().optional(),
  labels: labels.optional(),
  automount: z.boolean().optional(),
  public_net: z
    .object({ enable_ipv4: z.boolean().optional(), enable_ipv6: z.boolean().optional(), ipv4: z.number().int().nullable().optional(), ipv6: z.number().int().nullable().optional() })
    .optional(),
});
type CreateInput = z.output<typeof createInput>;

const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function assertServerName(store: Store, name: string, self?: number): void {
  if (!HOSTNAME.test(name)) throw invalidField("name", "Name must be a valid hostname.");
  for (const s of store.servers.values()) if (s.name === name && s.id !== self) throw uniquenessError("name", "server name is already used");
}

function resolveType(store: Store, value: string | number): ServerType {
  const type = findServerType(store.catalog, value);
  if (!type) throw invalidInputMessage(`server type '${value}' not found`);
  return type;
}

function resolveLocation(store: Store, input: CreateInput, type: ServerType): string {
  const wanted = input.location ?? input.datacenter?.split("-")[0];
  if (wanted === undefined) {
    const first = type.locations.find((l) => l.available);
    if (!first) throw new ApiError("resource_unavailable", "server type is not available in any location");
    return first.name;
  }
  const location = findLocation(store.catalog, wanted);
  if (!location) throw invalidInputMessage(`location '${input.location ?? input.datacenter ?? wanted}' not found`);
  if (!type.locations.some((l) => l.name === location.name && l.available)) throw invalidInputMessage("unsupported location for server type");
  return location.name;
}

function resolveImage(store: Store, value: string | number, type: ServerType): Image {
  const byId = typeof value === "number" || /^\d+$/.test(value);
  const image = byId
    ? store.catalog.images.find((i) => i.id === Number(value))
    : store.catalog.images.find((i) => i.name === value && i.architecture === type.architecture);
  if (!image) throw invalidInputMessage(`image '${value}' not found`);
  if (image.architecture !== type.architecture) throw invalidInputMessage("image architecture does not match the server type architecture");
  return image;
}

function resolvePrimaryIp(store: Store, id: number, type: PrimaryIpRecord["type"], server: Pick<ServerRecord, "id" | "locationName">): PrimaryIpRecord {
  const ip = store.primaryIps.get(id);
  if (!ip) throw invalidInputMessage(`primary ip '${id}' not found`);
  if (ip.type !== type) throw new ApiError("primary_ip_version_mismatch", "the specified primary IP has the wrong IP version");
  assertAssignable(store, ip, server, false);
  return ip;
}

function getServer(store: Store, ctx: RequestContext): ServerRecord {
  const server = store.servers.get(ctx.id("id", "server"));
  if (!server) throw notFound("server");
  return server;
}

function createServer(store: Store, input: CreateInput): { status: number; body: unknown } {
  assertServerName(store, input.name);
  const serverLabels = assertValidLabels(input.labels);
  const type = resolveType(store, input.server_type);
  const locationName = resolveLocation(store, input, type);
  const image = resolveImage(store, input.image, type);
  const sshKeyIds = (input.ssh_keys ?? []).map((k) => {
    const key = findSshKey(store, k);
    if (!key) throw invalidInputMessage(`ssh key '${k}' not found`);
    return key.id;
  });
  const volume = input.volumes?.[0];
  if (volume !== undefined) throw invalidInputMessage(`volume '${volume}' not found`);
  if (input.placement_group !== undefined) throw invalidInputMessage(`placement group '${input.placement_group}' not found`);
  const networks = (input.networks ?? []).map((id) => store.networks.get(id) ?? invalidNetwork(id));
  const firewalls = (input.firewalls ?? []).map(({ firewall }) => store.firewalls.get(firewall) ?? invalidFirewall(firewall));

  const record: ServerRecord = {
    id: store.nextId("server"),
    name: input.name,
    status: "initializing",
    created: store.nowIso(),
    serverTypeId: type.id,
    locationName,
    imageId: image.id,
    labels: serverLabels,
    protection: { delete: false, rebuild: false },
    privateNet: [],
    userData: input.user_data ?? null,
    sshKeyIds,
    backupWindow: null,
  };
  const pn = input.public_net ?? {};
  const givenV4 = pn.ipv4 ? resolvePrimaryIp(store, pn.ipv4, "ipv4", record) : null;
  const givenV6 = pn.ipv6 ? resolvePrimaryIp(store, pn.ipv6, "ipv6", record) : null;
  const wantV4 = givenV4 !== null || (pn.enable_ipv4 ?? true);
  const wantV6 = givenV6 !== null || (pn.enable_ipv6 ?? true);
  if (!wantV4 && !wantV6 && firewalls.length > 0) throw new ApiError("private_net_only_server", "firewalls can only be applied to servers with a public interface");
  for (const net of networks) attachServer(store, record, net);

  // All checks passed: commit.
  store.servers.set(record.id, record);
  if (givenV4) givenV4.assigneeId = record.id;
  else if (wantV4) allocatePrimaryIp(store, "ipv4", locationName, record.id);
  if (givenV6) givenV6.assigneeId = record.id;
  else if (wantV6) allocatePrimaryIp(store, "ipv6", locationName, record.id);
  for (const fw of firewalls) fw.appliedTo.push({ type: "server", serverId: record.id });

  const start = input.start_after_create ?? true;
  const self = { id: record.id, type: "server" };
  const action = store.createAction("create_server", [self], {
    onSuccess: () => {
      record.status = start ? "starting" : "off";
    },
    onError: () => {
      record.status = "off";
    },
  });
  const next: Action[] = [];
  if (start) next.push(store.createAction("start_server", [self], { after: action, onSuccess: () => void (record.status = "running") }));
  for (const net of networks) next.push(store.createAction("attach_to_network", [self, { id: net.id, type: "network" }], { after: action }));
  for (const fw of firewalls) next.push(store.createAction("apply_firewall", [self, { id: fw.id, type: "firewall" }], { after: action }));
  const rootPassword = sshKeyIds.length === 0 ? randomBytes(15).toString("base64url").slice(0, 20) : null;
  return { status: 201, body: { server: renderServer(store, record), action, next_actions: next, root_password: rootPassword } };
}

function invalidNetwork(id: number): never {
  throw invalidInputMessage(`network '${id}' not found`);
}

function invalidFirewall(id: number): never {
  throw invalidInputMessage(`firewall '${id}' not found`);
}

/** Effects of a finished `delete_server`: the server and its auto-delete Primary IPs disappear. */
function removeServer(store: Store, server: ServerRecord): void {
  for (const ip of primaryIpsOf(store, server.id)) {
    if (ip.autoDelete) store.primaryIps.delete(ip.id);
    else ip.assigneeId = null;
  }
  for (const fw of store.firewalls.values()) fw.appliedTo = fw.appliedTo.filter((t) => !(t.type === "server" && t.serverId === server.id));
  store.servers.delete(server.id);
}

export function registerServerRoutes(router: Router, store: Store): void {
  router.get("/servers", (ctx) => {
    const statuses = ctx.queryAll("status");
    let all = filterBySelector(filterByName(ctx, [...store.servers.values()]), ctx.queryString("label_selector"));
    if (statuses.length > 0) all = all.filter((s) => statuses.includes(s.status));
    const sorted = sortItems(ctx, all, { id: (s) => s.id, name: (s) => s.name, created: (s) => s.created });
    return listReply(ctx, "servers", sorted.map((s) => renderServer(store, s)));
  });

  router.post("/servers", (ctx) => createServer(store, ctx.body(createInput)));

  router.get("/servers/:id", (ctx) => ({ status: 200, body: { server: renderServer(store, getServer(store, ctx)) } }));

  router.put("/servers/:id", (ctx) => {
    const server = getServer(store, ctx);
    const input = ctx.body(z.object({ name: z.string().optional(), labels: labels.optional() }));
    if (input.name !== undefined && input.name !== "") assertServerName(store, input.name, server.id);
    const newLabels = input.labels === undefined ? server.labels : assertValidLabels(input.labels);
    if (input.name !== undefined && input.name !== "") server.name = input.name;
    server.labels = newLabels;
    return { status: 200, body: { server: renderServer(store, server) } };
  });

  router.delete("/servers/:id", (ctx) => {
    const server = getServer(store, ctx);
    if (server.protection.delete) throw new ApiError("protected", "server deletion is protected");
    if (server.status === "deleting") throw new ApiError("locked", "server is already being deleted");
    server.status = "deleting";
    const action = store.createAction("delete_server", [{ id: server.id, type: "server" }], { onSuccess: () => removeServer(store, server) });
    return { status: 200, body: { action } };
  });
}
