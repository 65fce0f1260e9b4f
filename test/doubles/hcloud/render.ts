/**
 * Turns stored records into the API's JSON objects, computing the cross-references the real
 * API derives (network.servers, firewall.applied_to[].applied_to_resources, server.public_net).
 */
import { matchesSelector, parseLabelSelector } from "./labels";
import type { FirewallRecord, NetworkRecord, PrimaryIpRecord, ServerRecord, Store } from "./state";
import type { Firewall, FirewallAppliedTo, Location, Network, PrimaryIp, Server, ServerType } from "./types";

export function locationOf(store: Store, name: string): Location {
  const loc = store.catalog.locations.find((l) => l.name === name);
  if (!loc) throw new Error(`hcloud double: unknown location ${name}`);
  return { ...loc };
}

export function serverTypeOf(store: Store, id: number): ServerType {
  const type = store.catalog.serverTypes.find((t) => t.id === id);
  if (!type) throw new Error(`hcloud double: unknown server type ${id}`);
  return structuredClone(type);
}

export function primaryIpsOf(store: Store, serverId: number): PrimaryIpRecord[] {
  return [...store.primaryIps.values()].filter((p) => p.assigneeId === serverId);
}

/** Firewalls can only act on servers with a public interface. */
export function hasPublicNet(store: Store, serverId: number): boolean {
  return primaryIpsOf(store, serverId).length > 0;
}

/** Servers a firewall currently applies to, directly or through a label selector. */
export function serversOfFirewall(store: Store, fw: FirewallRecord): number[] {
  const ids = new Set<number>();
  for (const target of fw.appliedTo) {
    if (target.type === "server") ids.add(target.serverId);
    else for (const id of selectorServers(store, target.selector)) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

export function selectorServers(store: Store, selector: string): number[] {
  const parsed = parseLabelSelector(selector);
  return [...store.servers.values()].filter((s) => s.status !== "deleting" && hasPublicNet(store, s.id) && matchesSelector(s.labels, parsed)).map((s) => s.id);
}

export function renderFirewall(store: Store, fw: FirewallRecord): Firewall {
  const appliedTo: FirewallAppliedTo[] = fw.appliedTo.map((t) =>
    t.type === "server"
      ? { type: "server", server: { id: t.serverId } }
      : {
          type: "label_selector",
          label_selector: { selector: t.selector },
          applied_to_resources: selectorServers(store, t.selector).map((id) => ({ type: "server" as const, server: { id } })),
        },
  );
  return { id: fw.id, name: fw.name, labels: { ...fw.labels }, created: fw.created, rules: structuredClone(fw.rules), applied_to: appliedTo };
}

export function renderNetwork(store: Store, n: NetworkRecord): Network {
  const servers = [...store.servers.values()].filter((s) => s.privateNet.some((p) => p.network === n.id)).map((s) => s.id);
  return {
    id: n.id,
    name: n.name,
    ip_range: n.ipRange,
    subnets: structuredClone(n.subnets),
    routes: structuredClone(n.routes),
    servers,
    load_balancers: [],
    protection: { ...n.protection },
    labels: { ...n.labels },
    created: n.created,
    expose_routes_to_vswitch: n.exposeRoutesToVSwitch,
  };
}

export function renderPrimaryIp(store: Store, p: PrimaryIpRecord): PrimaryIp {
  return {
    id: p.id,
    name: p.name,
    labels: { ...p.labels },
    created: p.created,
    blocked: false,
    location: locationOf(store, p.locationName),
    ip: p.ip,
    dns_ptr: structuredClone(p.dnsPtr),
    protection: { ...p.protection },
    type: p.type,
    auto_delete: p.autoDelete,
    assignee_type: "server",
    assignee_id: p.assigneeId,
  };
}

export function renderServer(store: Store, s: ServerRecord): Server {
  const ips = primaryIpsOf(store, s.id);
  const v4 = ips.find((p) => p.type === "ipv4");
  const v6 = ips.find((p) => p.type === "ipv6");
  const firewalls = [...store.firewalls.values()]
    .filter((fw) => serversOfFirewall(store, fw).includes(s.id))
    .map((fw) => ({ id: fw.id, status: store.hasRunning("apply_firewall", [{ type: "firewall", id: fw.id }, { type: "server", id: s.id }]) ? ("pending" as const) : ("applied" as const) }));
  const type = serverTypeOf(store, s.serverTypeId);
  const image = s.imageId === null ? undefined : store.catalog.images.find((i) => i.id === s.imageId);
  const traffic = type.prices.find((p) => p.location === s.locationName)?.included_traffic ?? 0;
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: v4 ? { id: v4.id, ip: v4.ip, blocked: false, dns_ptr: v4.dnsPtr[0]?.dns_ptr ?? "" } : null,
      ipv6: v6 ? { id: v6.id, ip: v6.ip, blocked: false, dns_ptr: structuredClone(v6.dnsPtr) } : null,
      floating_ips: [],
      firewalls,
    },
    private_net: structuredClone(s.privateNet),
    server_type: type,
    location: locationOf(store, s.locationName),
    image: image ? structuredClone(image) : null,
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: s.backupWindow,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: traffic,
    protection: { ...s.protection },
    labels: { ...s.labels },
    volumes: [],
    load_balancers: [],
    primary_disk_size: type.disk,
    placement_group: null,
  };
}
