/**
 * Private-network attachment of servers: `attach_to_network`, `detach_from_network`,
 * `change_alias_ips`, plus the attach logic server create uses for `networks`.
 * Error codes: per-operation table of POST /servers/{id}/actions/attach_to_network
 * (server_already_attached, ip_not_available, no_subnet_available, networks_overlap).
 */
import { z } from "zod";
import { ApiError, invalidField, notFound } from "./errors";
import type { RequestContext } from "./http";
import { cidrContainsIp, cidrOverlaps, firstFreeHost, formatIpv4, parseCidr, parseIpv4, type Cidr } from "./ip";
import { locationOf } from "./render";
import type { Router } from "./router";
import type { NetworkRecord, ServerRecord, Store } from "./state";
import type { ServerPrivateNet } from "./types";

export interface AttachOptions {
  readonly ip?: string | undefined;
  readonly aliasIps?: readonly string[] | undefined;
  readonly ipRange?: string | undefined;
}

/** Addresses already taken in the network (server IPs, alias IPs, the network gateway). */
function usedAddresses(store: Store, net: NetworkRecord, except: ServerRecord): Set<number> {
  const used = new Set<number>();
  const range = parseCidr(net.ipRange);
  if (range) used.add(range.base + 1);
  for (const s of store.servers.values()) {
    if (s.id === except.id) continue;
    for (const p of s.privateNet) {
      if (p.network !== net.id) continue;
      for (const ip of [p.ip, ...p.alias_ips]) used.add(parseIpv4(ip) ?? -1);
    }
  }
  return used;
}

function zoneSubnets(store: Store, net: NetworkRecord, server: ServerRecord): Cidr[] {
  const zone = locationOf(store, server.locationName).network_zone;
  return net.subnets
    .filter((s) => s.network_zone === zone && s.type !== "vswitch")
    .map((s) => parseCidr(s.ip_range))
    .filter((c): c is Cidr => c !== null);
}

function claim(text: string, subnets: readonly Cidr[], used: Set<number>): number {
  const ip = parseIpv4(text);
  const subnet = ip === null ? undefined : subnets.find((c) => cidrContainsIp(c, ip));
  if (ip === null || !subnet || used.has(ip) || ip === subnet.base || ip === subnet.base + 2 ** (32 - subnet.prefix) - 1) {
    throw new ApiError("ip_not_available", `IP ${text} is not available`);
  }
  used.add(ip);
  return ip;
}

/** Adds the private_net entry for `net` to `server` (mutates `server.privateNet` only). */
export function attachServer(store: Store, server: ServerRecord, net: NetworkRecord, opts: AttachOptions = {}): ServerPrivateNet {
  if (server.privateNet.some((p) => p.network === net.id)) throw new ApiError("server_already_attached", "server is already attached to the network");
  const range = parseCidr(net.ipRange);
  for (const p of server.privateNet) {
    const other = store.networks.get(p.network);
    const otherRange = other ? parseCidr(other.ipRange) : null;
    if (range && otherRange && cidrOverlaps(range, otherRange)) throw new ApiError("networks_overlap", "the network IP range overlaps with one of the server networks");
  }
  let subnets = zoneSubnets(store, net, server);
  if (opts.ipRange !== undefined) {
    subnets = subnets.filter((c) => `${formatIpv4(c.base)}/${c.prefix}` === opts.ipRange);
    if (subnets.length === 0) throw invalidField("ip_range", "no subnet with this IP range in the server's network zone");
  }
  if (subnets.length === 0) throw new ApiError("no_subnet_available", "no subnet or IP is available for the server within the network");
  const used = usedAddresses(store, net, server);
  let ip: number | null = null;
  if (opts.ip !== undefined) ip = claim(opts.ip, subnets, used);
  for (const subnet of subnets) {
    if (ip !== null) break;
    ip = firstFreeHost(subnet, used);
  }
  if (ip === null) throw new ApiError("no_subnet_available", "no subnet or IP is available for the server within the network");
  used.add(ip);
  const aliasIps = (opts.aliasIps ?? []).map((a) => formatIpv4(claim(a, subnets, used)));
  const seq = store.nextSequence();
  const mac = `86:00:00:${[16, 8, 0].map((s) => ((seq >> s) & 0xff).toString(16).padStart(2, "0")).join(":")}`;
  const entry: ServerPrivateNet = { network: net.id, ip: formatIpv4(ip), alias_ips: aliasIps, mac_address: mac };
  server.privateNet.push(entry);
  return entry;
}

function serverOf(store: Store, ctx: RequestContext): ServerRecord {
  const server = store.servers.get(ctx.id("id", "server"));
  if (!server) throw notFound("server");
  return server;
}

function networkOf(store: Store, id: number): NetworkRecord {
  const net = store.networks.get(id);
  if (!net) throw notFound("network");
  return net;
}

function resources(server: ServerRecord, net: NetworkRecord): { id: number; type: string }[] {
  return [
    { id: server.id, type: "server" },
    { id: net.id, type: "network" },
  ];
}

export function registerServerNetworkRoutes(router: Router, store: Store): void {
  router.post("/servers/:id/actions/attach_to_network", (ctx) => {
    const server = serverOf(store, ctx);
    const input = ctx.body(z.object({ network: z.number().int(), ip: z.string().optional(), alias_ips: z.array(z.string()).optional(), ip_range: z.string().optional() }));
    const net = networkOf(store, input.network);
    store.assertNotBusy("server", server.id);
    store.assertNotBusy("network", net.id);
    attachServer(store, server, net, { ip: input.ip, aliasIps: input.alias_ips, ipRange: input.ip_range });
    return { status: 201, body: { action: store.createAction("attach_to_network", resources(server, net)) } };
  });

  router.post("/servers/:id/actions/detach_from_network", (ctx) => {
    const server = serverOf(store, ctx);
    const input = ctx.body(z.object({ network: z.number().int() }));
    const net = networkOf(store, input.network);
    store.assertNotBusy("server", server.id);
    store.assertNotBusy("network", net.id);
    if (!server.privateNet.some((p) => p.network === net.id)) throw notFound("server attachment to network");
    server.privateNet = server.privateNet.filter((p) => p.network !== net.id);
    return { status: 201, body: { action: store.createAction("detach_from_network", resources(server, net)) } };
  });

  router.post("/servers/:id/actions/change_alias_ips", (ctx) => {
    const server = serverOf(store, ctx);
    const input = ctx.body(z.object({ network: z.number().int(), alias_ips: z.array(z.string()) }));
    const net = networkOf(store, input.network);
    store.assertNotBusy("server", server.id);
    const entry = server.privateNet.find((p) => p.network === net.id);
    if (!entry) throw notFound("server attachment to network");
    const used = usedAddresses(store, net, server);
    used.add(parseIpv4(entry.ip) ?? -1);
    const subnets = zoneSubnets(store, net, server);
    entry.alias_ips = input.alias_ips.map((a) => formatIpv4(claim(a, subnets, used)));
    return { status: 201, body: { action: store.createAction("change_alias_ips", resources(server, net)) } };
  });
}
