/**
 * `/primary_ips` and its actions (assign, unassign, change_protection). Servers created with
 * `public_net.enable_ipv4/6` get auto-deleting Primary IPs, as in the real API. Addresses come
 * from documentation ranges (TEST-NET-1/2/3, 2001:db8::/32) so they can never be real hosts.
 * Shapes: hcloud-go `hcloud/schema/primary_ip.go`.
 */
import { z } from "zod";
import { ApiError, invalidField, invalidInputMessage, notFound, uniquenessError } from "./errors";
import { filterByName, listReply, sortItems, type RequestContext } from "./http";
import { assertValidLabels, filterBySelector } from "./labels";
import { primaryIpsOf, renderPrimaryIp } from "./render";
import type { Router } from "./router";
import { findLocation } from "./seed";
import type { PrimaryIpRecord, ServerRecord, Store } from "./state";

const TEST_NETS = ["203.0.113", "198.51.100", "192.0.2"] as const;

function nextAddress(store: Store, type: PrimaryIpRecord["type"]): string {
  const used = new Set([...store.primaryIps.values()].map((p) => p.ip));
  for (;;) {
    const n = store.nextSequence();
    const ip = type === "ipv4" ? `${TEST_NETS[Math.floor(n / 250) % 3]}.${(n % 250) + 2}` : `2001:db8:${n.toString(16)}::/64`;
    if (!used.has(ip)) return ip;
  }
}

/** Creates a Primary IP record (auto-named `primary_ip-<id>` unless a name is given). */
export function allocatePrimaryIp(store: Store, type: PrimaryIpRecord["type"], locationName: string, assigneeId: number | null, name?: string): PrimaryIpRecord {
  const id = store.nextId("primary_ip");
  const ip = nextAddress(store, type);
  const ptr = type === "ipv4" ? [{ ip, dns_ptr: `static.${ip.split(".").reverse().join(".")}.clients.your-server.de` }] : [];
  const record: PrimaryIpRecord = {
    id,
    name: name ?? `primary_ip-${id}`,
    labels: {},
    created: store.nowIso(),
    type,
    ip,
    locationName,
    autoDelete: name === undefined,
    assigneeId,
    protection: { delete: false },
    dnsPtr: ptr,
  };
  store.primaryIps.set(id, record);
  return record;
}

/** Checks shared by POST /primary_ips with assignee, assign, and server create with `public_net.ipv4/ipv6`. */
export function assertAssignable(store: Store, ip: PrimaryIpRecord, server: Pick<ServerRecord, "id" | "locationName">, checkServerIps: boolean): void {
  if (ip.assigneeId !== null) throw new ApiError("primary_ip_assigned", "the primary IP is already assigned to a server");
  if (ip.locationName !== server.locationName) throw new ApiError("primary_ip_datacenter_mismatch", "the primary IP is in a different location");
  if (checkServerIps && primaryIpsOf(store, server.id).some((p) => p.type === ip.type)) {
    throw new ApiError(ip.type === "ipv4" ? "server_has_ipv4" : "server_has_ipv6", `the server already has an ${ip.type} address`);
  }
}

function stoppedServer(store: Store, id: number): ServerRecord {
  const server = store.servers.get(id);
  if (!server) throw notFound("server");
  if (server.status !== "off") throw new ApiError("server_not_stopped", "the server is running, but needs to be powered off");
  return server;
}

function getIp(store: Store, ctx: RequestContext): PrimaryIpRecord {
  const ip = store.primaryIps.get(ctx.id("id", "primary ip"));
  if (!ip) throw notFound("primary ip");
  return ip;
}

function assertUniqueName(store: Store, name: string, self?: number): void {
  for (const p of store.primaryIps.values()) if (p.name === name && p.id !== self) throw uniquenessError("name", "name is already used");
}

const createInput = z.object({
  name: z.string().min(1),
  type: z.enum(["ipv4", "ipv6"]),
  assignee_type: z.literal("server").optional(),
  assignee_id: z.number().int().nullable().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  auto_delete: z.boolean().optional(),
  location: z.string().optional(),
  datacenter: z.string().optional(),
});

export function registerPrimaryIpRoutes(router: Router, store: Store): void {
  router.get("/primary_ips", (ctx) => {
    const ipFilter = ctx.queryString("ip");
    let all = filterBySelector(filterByName(ctx, [...store.primaryIps.values()]), ctx.queryString("label_selector"));
    if (ipFilter !== null) all = all.filter((p) => p.ip === ipFilter || p.ip.split("/")[0] === ipFilter);
    const sorted = sortItems(ctx, all, { id: (p) => p.id, created: (p) => p.created });
    return listReply(ctx, "primary_ips", sorted.map((p) => renderPrimaryIp(store, p)));
  });

  router.post("/primary_ips", (ctx) => {
    const input = ctx.body(createInput);
    assertUniqueName(store, input.name);
    const labels = assertValidLabels(input.labels);
    let locationName: string;
    let server: ServerRecord | null = null;
    if (input.assignee_id !== undefined && input.assignee_id !== null) {
      server = stoppedServer(store, input.assignee_id);
      locationName = server.locationName;
    } else {
      const wanted = input.location ?? input.datacenter?.split("-")[0];
      if (wanted === undefined) throw invalidField("location", "Missing data for required field.");
      const location = findLocation(store.catalog, wanted);
      if (!location) throw invalidInputMessage(`location '${wanted}' not found`);
      locationName = location.name;
    }
    const probe: PrimaryIpRecord = { id: 0, name: input.name, labels, created: "", type: input.type, ip: "", locationName, autoDelete: false, assigneeId: null, protection: { delete: false }, dnsPtr: [] };
    if (server) assertAssignable(store, probe, server, true);
    const record = allocatePrimaryIp(store, input.type, locationName, server?.id ?? null, input.name);
    record.labels = labels;
    record.autoDelete = input.auto_delete ?? false;
    const action = server ? store.createAction("assign_primary_ip", [{ id: record.id, type: "primary_ip" }, { id: server.id, type: "server" }]) : null;
    return { status: 201, body: { primary_ip: renderPrimaryIp(store, record), action } };
  });

  router.get("/primary_ips/:id", (ctx) => ({ status: 200, body: { primary_ip: renderPrimaryIp(store, getIp(store, ctx)) } }));

  router.put("/primary_ips/:id", (ctx) => {
    const ip = getIp(store, ctx);
    const input = ctx.body(z.object({ name: z.string().min(1).optional(), labels: z.record(z.string(), z.string()).optional(), auto_delete: z.boolean().optional() }));
    if (input.name !== undefined) assertUniqueName(store, input.name, ip.id);
    const labels = input.labels === undefined ? ip.labels : assertValidLabels(input.labels);
    if (input.name !== undefined) ip.name = input.name;
    ip.labels = labels;
    if (input.auto_delete !== undefined) ip.autoDelete = input.auto_delete;
    return { status: 200, body: { primary_ip: renderPrimaryIp(store, ip) } };
  });

  router.delete("/primary_ips/:id", (ctx) => {
    const ip = getIp(store, ctx);
    if (ip.protection.delete) throw new ApiError("protected", "primary ip is delete protected");
    if (ip.assigneeId !== null) throw new ApiError("must_be_unassigned", "the primary IP must be unassigned before it can be deleted");
    store.primaryIps.delete(ip.id);
    return { status: 204 };
  });

  router.post("/primary_ips/:id/actions/assign", (ctx) => {
    const ip = getIp(store, ctx);
    const input = ctx.body(z.object({ assignee_id: z.number().int(), assignee_type: z.literal("server") }));
    store.assertNotBusy("primary_ip", ip.id);
    const server = stoppedServer(store, input.assignee_id);
    if (ip.assigneeId !== null) throw new ApiError("primary_ip_already_assigned", "the primary IP is already assigned to a different server");
    assertAssignable(store, ip, server, true);
    ip.assigneeId = server.id;
    const action = store.createAction("assign_primary_ip", [{ id: ip.id, type: "primary_ip" }, { id: server.id, type: "server" }]);
    return { status: 201, body: { action } };
  });

  router.post("/primary_ips/:id/actions/unassign", (ctx) => {
    const ip = getIp(store, ctx);
    store.assertNotBusy("primary_ip", ip.id);
    const resources = [{ id: ip.id, type: "primary_ip" }];
    if (ip.assigneeId !== null) {
      resources.push({ id: stoppedServer(store, ip.assigneeId).id, type: "server" });
      ip.assigneeId = null;
    }
    return { status: 201, body: { action: store.createAction("unassign_primary_ip", resources) } };
  });

  router.post("/primary_ips/:id/actions/change_protection", (ctx) => {
    const ip = getIp(store, ctx);
    const input = ctx.body(z.object({ delete: z.boolean() }));
    store.assertNotBusy("primary_ip", ip.id);
    ip.protection.delete = input.delete;
    return { status: 201, body: { action: store.createAction("change_protection", [{ id: ip.id, type: "primary_ip" }]) } };
  });
}
