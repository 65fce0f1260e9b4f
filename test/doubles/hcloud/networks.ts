/**
 * `/networks` and its actions (add_subnet, delete_subnet, add_route, delete_route,
 * change_ip_range, change_protection). Request/response shapes: hcloud-go
 * `hcloud/schema/network.go`; calls as made by terraform-provider-hcloud `internal/network/`.
 */
import { z } from "zod";
import { ApiError, invalidField, invalidInputMessage, notFound, uniquenessError } from "./errors";
import { filterByName, listReply, sortItems, type Reply, type RequestContext } from "./http";
import { cidrContains, cidrContainsIp, cidrOverlaps, firstFreeSlash24, formatCidr, formatIpv4, isPrivateRange, parseCidr, parseIpv4, type Cidr } from "./ip";
import { assertValidLabels, filterBySelector } from "./labels";
import { renderNetwork } from "./render";
import type { Router } from "./router";
import { NETWORK_ZONES } from "./seed";
import type { NetworkRecord, Store } from "./state";
import type { NetworkRoute, NetworkSubnet } from "./types";

const labels = z.record(z.string(), z.string());
const subnetInput = z.object({
  type: z.enum(["cloud", "server", "vswitch"]),
  ip_range: z.string().optional(),
  network_zone: z.string(),
  vswitch_id: z.number().int().optional(),
});
const routeInput = z.object({ destination: z.string(), gateway: z.string() });
const createInput = z.object({
  name: z.string().min(1),
  ip_range: z.string(),
  labels: labels.optional(),
  subnets: z.array(subnetInput).optional(),
  routes: z.array(routeInput).optional(),
  expose_routes_to_vswitch: z.boolean().optional(),
});
const updateInput = z.object({ name: z.string().min(1).optional(), labels: labels.optional(), expose_routes_to_vswitch: z.boolean().optional() });

function networkCidr(field: string, text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw invalidField(field, "Not a valid CIDR network.");
  return cidr;
}

function assertNetworkRange(cidr: Cidr): void {
  if (!isPrivateRange(cidr)) throw invalidField("ip_range", "must be one of the private IPv4 ranges of RFC1918");
  if (cidr.prefix > 24) throw invalidField("ip_range", "minimum network size is /24");
}

function takenRanges(net: NetworkRecord): Cidr[] {
  return [...net.subnets.map((s) => parseCidr(s.ip_range)), ...net.routes.map((r) => parseCidr(r.destination))].filter((c): c is Cidr => c !== null);
}

function buildSubnet(net: NetworkRecord, input: z.output<typeof subnetInput>): NetworkSubnet {
  const range = networkCidr("ip_range", net.ipRange);
  if (!(NETWORK_ZONES as readonly string[]).includes(input.network_zone)) throw invalidField("network_zone", "Not a valid choice.");
  if (input.type === "vswitch" && input.vswitch_id === undefined) throw invalidField("vswitch_id", "Missing data for required field.");
  let cidr: Cidr | null;
  if (input.ip_range === undefined) {
    cidr = firstFreeSlash24(range, takenRanges(net));
    if (!cidr) throw new ApiError("no_subnet_available", "no subnet or IP is available within the network");
  } else {
    cidr = networkCidr("ip_range", input.ip_range);
    if (cidr.prefix > 30) throw invalidField("ip_range", "minimum subnet size is /30");
    if (!cidrContains(range, cidr)) throw invalidInputMessage("subnet ip_range is not within the network ip_range");
    if (takenRanges(net).some((t) => cidrOverlaps(t, cidr as Cidr))) throw invalidInputMessage("subnet ip_range overlaps with another subnetwork or network route");
  }
  const subnet: NetworkSubnet = { type: input.type, ip_range: formatCidr(cidr), network_zone: input.network_zone, gateway: formatIpv4(range.base + 1) };
  if (input.type === "vswitch") subnet.vswitch_id = input.vswitch_id ?? null;
  return subnet;
}

function buildRoute(net: NetworkRecord, input: z.output<typeof routeInput>): NetworkRoute {
  const range = networkCidr("ip_range", net.ipRange);
  const destination = networkCidr("destination", input.destination);
  const gateway = parseIpv4(input.gateway);
  if (gateway === null) throw invalidField("gateway", "Not a valid IP address.");
  if (!cidrContainsIp(range, gateway) || gateway === range.base + 1) throw invalidInputMessage("network route gateway must be an IP of the network, other than the network gateway");
  if (takenRanges(net).some((t) => cidrOverlaps(t, destination))) throw invalidInputMessage("network route destination overlaps with another subnetwork or network route");
  return { destination: formatCidr(destination), gateway: formatIpv4(gateway) };
}

function getNetwork(store: Store, ctx: RequestContext): NetworkRecord {
  const net = store.networks.get(ctx.id("id", "network"));
  if (!net) throw notFound("network");
  return net;
}

function assertUniqueName(store: Store, name: string, self?: number): void {
  for (const n of store.networks.values()) if (n.name === name && n.id !== self) throw uniquenessError("name", "name is already used");
}

function networkAction(store: Store, net: NetworkRecord, command: string): Reply {
  return { status: 201, body: { action: store.createAction(command, [{ id: net.id, type: "network" }]) } };
}

export function registerNetworkRoutes(router: Router, store: Store): void {
  router.get("/networks", (ctx) => {
    const all = filterBySelector(filterByName(ctx, [...store.networks.values()]), ctx.queryString("label_selector"));
    const sorted = sortItems(ctx, all, { id: (n) => n.id, name: (n) => n.name, created: (n) => n.created });
    return listReply(ctx, "networks", sorted.map((n) => renderNetwork(store, n)));
  });

  router.post("/networks", (ctx) => {
    const input = ctx.body(createInput);
    const range = networkCidr("ip_range", input.ip_range);
    assertNetworkRange(range);
    assertUniqueName(store, input.name);
    const net: NetworkRecord = {
      id: 0,
      name: input.name,
      ipRange: formatCidr(range),
      subnets: [],
      routes: [],
      protection: { delete: false },
      labels: assertValidLabels(input.labels),
      created: store.nowIso(),
      exposeRoutesToVSwitch: input.expose_routes_to_vswitch ?? false,
    };
    for (const s of input.subnets ?? []) net.subnets.push(buildSubnet(net, s));
    for (const r of input.routes ?? []) net.routes.push(buildRoute(net, r));
    net.id = store.nextId("network");
    store.networks.set(net.id, net);
    return { status: 201, body: { network: renderNetwork(store, net) } };
  });

  router.get("/networks/:id", (ctx) => ({ status: 200, body: { network: renderNetwork(store, getNetwork(store, ctx)) } }));

  router.put("/networks/:id", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(updateInput);
    store.assertNotBusy("network", net.id);
    if (input.name !== undefined) assertUniqueName(store, input.name, net.id);
    const newLabels = input.labels === undefined ? net.labels : assertValidLabels(input.labels);
    if (input.name !== undefined) net.name = input.name;
    net.labels = newLabels;
    if (input.expose_routes_to_vswitch !== undefined) net.exposeRoutesToVSwitch = input.expose_routes_to_vswitch;
    return { status: 200, body: { network: renderNetwork(store, net) } };
  });

  router.delete("/networks/:id", (ctx) => {
    const net = getNetwork(store, ctx);
    if (net.protection.delete) throw new ApiError("protected", "network is delete protected");
    store.assertNotBusy("network", net.id);
    // "Attached resources will be detached automatically." (API description, DELETE /networks/{id})
    for (const server of store.servers.values()) server.privateNet = server.privateNet.filter((p) => p.network !== net.id);
    store.networks.delete(net.id);
    return { status: 204 };
  });

  router.post("/networks/:id/actions/add_subnet", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(subnetInput);
    store.assertNotBusy("network", net.id);
    net.subnets.push(buildSubnet(net, input));
    return networkAction(store, net, "add_subnet");
  });

  router.post("/networks/:id/actions/delete_subnet", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(z.object({ ip_range: z.string() }));
    store.assertNotBusy("network", net.id);
    const subnet = net.subnets.find((s) => s.ip_range === input.ip_range);
    if (!subnet) throw notFound("subnet");
    const cidr = networkCidr("ip_range", subnet.ip_range);
    const inUse = [...store.servers.values()].some((s) => s.privateNet.some((p) => p.network === net.id && cidrContainsIp(cidr, parseIpv4(p.ip) ?? -1)));
    // terraform-provider-hcloud resource_subnet.go matches this service_error message.
    if (inUse) throw new ApiError("service_error", "network has attached resources");
    net.subnets = net.subnets.filter((s) => s !== subnet);
    return networkAction(store, net, "delete_subnet");
  });

  router.post("/networks/:id/actions/add_route", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(routeInput);
    store.assertNotBusy("network", net.id);
    net.routes.push(buildRoute(net, input));
    return networkAction(store, net, "add_route");
  });

  router.post("/networks/:id/actions/delete_route", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(routeInput);
    store.assertNotBusy("network", net.id);
    const route = net.routes.find((r) => r.destination === input.destination && r.gateway === input.gateway);
    if (!route) throw notFound("route");
    net.routes = net.routes.filter((r) => r !== route);
    return networkAction(store, net, "delete_route");
  });

  router.post("/networks/:id/actions/change_ip_range", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(z.object({ ip_range: z.string() }));
    store.assertNotBusy("network", net.id);
    const current = networkCidr("ip_range", net.ipRange);
    const next = networkCidr("ip_range", input.ip_range);
    assertNetworkRange(next);
    if (next.base !== current.base || next.prefix > current.prefix) throw invalidField("ip_range", "the IP range can only be extended, keeping its first address");
    net.ipRange = formatCidr(next);
    return networkAction(store, net, "change_ip_range");
  });

  router.post("/networks/:id/actions/change_protection", (ctx) => {
    const net = getNetwork(store, ctx);
    const input = ctx.body(z.object({ delete: z.boolean().optional() }));
    store.assertNotBusy("network", net.id);
    if (input.delete !== undefined) net.protection.delete = input.delete;
    return networkAction(store, net, "change_protection");
  });
}
