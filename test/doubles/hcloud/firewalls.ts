/**
 * `/firewalls` and its actions (set_rules, apply_to_resources, remove_from_resources).
 * Shapes: hcloud-go `hcloud/schema/firewall.go`; error codes: the per-operation tables of the
 * API description; calls as made by terraform-provider-hcloud `internal/firewall/`.
 */
import { z } from "zod";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors";
import { filterByName, listReply, sortItems, type RequestContext } from "./http";
import { isIpCidr } from "./ip";
import { assertValidLabels, filterBySelector, parseLabelSelector } from "./labels";
import { hasPublicNet, renderFirewall, selectorServers, serversOfFirewall } from "./render";
import type { Router } from "./router";
import type { FirewallRecord, FirewallTarget, Store } from "./state";
import type { Action, FirewallRule } from "./types";

const ruleInput = z.object({
  direction: z.enum(["in", "out"]),
  source_ips: z.array(z.string()).optional(),
  destination_ips: z.array(z.string()).optional(),
  protocol: z.enum(["tcp", "udp", "icmp", "esp", "gre"]),
  port: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
});
const resourceInput = z.object({
  type: z.enum(["server", "label_selector"]),
  server: z.object({ id: z.number().int() }).optional(),
  label_selector: z.object({ selector: z.string() }).optional(),
});
const createInput = z.object({
  name: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
  rules: z.array(ruleInput).optional(),
  apply_to: z.array(resourceInput).optional(),
});
const updateInput = z.object({ name: z.string().min(1).optional(), labels: z.record(z.string(), z.string()).optional() });

const PORT = /^(any|\d{1,5}(-\d{1,5})?)$/;

function toRule(input: z.output<typeof ruleInput>): FirewallRule {
  const sources = input.source_ips ?? [];
  const destinations = input.destination_ips ?? [];
  if (input.direction === "in" && sources.length === 0) throw invalidField("source_ips", "must not be empty for direction 'in'");
  if (input.direction === "out" && destinations.length === 0) throw invalidField("destination_ips", "must not be empty for direction 'out'");
  for (const ip of sources) if (!isIpCidr(ip)) throw invalidField("source_ips", `'${ip}' is not a valid CIDR`);
  for (const ip of destinations) if (!isIpCidr(ip)) throw invalidField("destination_ips", `'${ip}' is not a valid CIDR`);
  const port = input.port ?? null;
  const needsPort = input.protocol === "tcp" || input.protocol === "udp";
  if (needsPort && (port === null || !PORT.test(port))) throw invalidField("port", "a port or port range is required for tcp and udp");
  if (!needsPort && port !== null) throw invalidField("port", `port is not allowed for protocol ${input.protocol}`);
  return { description: input.description ?? null, direction: input.direction, source_ips: sources, destination_ips: destinations, protocol: input.protocol, port };
}

/** Validates apply_to / remove_from entries; `notFoundStatus` differs between create (422) and actions (404). */
function toTargets(store: Store, inputs: readonly z.output<typeof resourceInput>[], notFoundStatus: number): FirewallTarget[] {
  const seen = new Set<number>();
  return inputs.map((r): FirewallTarget => {
    if (r.type === "label_selector") {
      if (!r.label_selector) throw invalidField("label_selector", "Missing data for required field.");
      parseLabelSelector(r.label_selector.selector);
      return { type: "label_selector", selector: r.label_selector.selector };
    }
    if (!r.server) throw invalidField("server", "Missing data for required field.");
    if (!store.servers.has(r.server.id)) throw new ApiError("firewall_resource_not_found", `server ${r.server.id} not found`, {}, notFoundStatus);
    if (seen.has(r.server.id)) throw new ApiError("server_already_added", `server ${r.server.id} was added more than once`);
    seen.add(r.server.id);
    return { type: "server", serverId: r.server.id };
  });
}

function sameTarget(a: FirewallTarget, b: FirewallTarget): boolean {
  return a.type === "server" ? b.type === "server" && a.serverId === b.serverId : b.type === "label_selector" && a.selector === b.selector;
}

function applyActions(store: Store, fw: FirewallRecord, targets: readonly FirewallTarget[], command: string): Action[] {
  return targets.map((t) => {
    const servers = t.type === "server" ? [t.serverId] : selectorServers(store, t.selector);
    return store.createAction(command, [...servers.map((id) => ({ id, type: "server" })), { id: fw.id, type: "firewall" }]);
  });
}

function assertApplicable(store: Store, fw: FirewallRecord, targets: readonly FirewallTarget[]): void {
  targets.forEach((t, i) => {
    if (fw.appliedTo.some((x) => sameTarget(x, t)) || targets.slice(0, i).some((x) => sameTarget(x, t))) {
      throw new ApiError("firewall_already_applied", "firewall is already applied to the resource");
    }
    if (t.type === "server" && !hasPublicNet(store, t.serverId)) throw new ApiError("private_net_only_server", `server ${t.serverId} has no public interface`);
  });
}

function addTargets(store: Store, fw: FirewallRecord, targets: readonly FirewallTarget[]): Action[] {
  assertApplicable(store, fw, targets);
  fw.appliedTo.push(...targets);
  return applyActions(store, fw, targets, "apply_firewall");
}

function getFirewall(store: Store, ctx: RequestContext): FirewallRecord {
  const fw = store.firewalls.get(ctx.id("id", "firewall"));
  if (!fw) throw notFound("firewall");
  return fw;
}

function assertUniqueName(store: Store, name: string, self?: number): void {
  for (const f of store.firewalls.values()) if (f.name === name && f.id !== self) throw uniquenessError("name", "name is already used");
}

export function registerFirewallRoutes(router: Router, store: Store): void {
  router.get("/firewalls", (ctx) => {
    const all = filterBySelector(filterByName(ctx, [...store.firewalls.values()]), ctx.queryString("label_selector"));
    const sorted = sortItems(ctx, all, { id: (f) => f.id, name: (f) => f.name, created: (f) => f.created });
    return listReply(ctx, "firewalls", sorted.map((f) => renderFirewall(store, f)));
  });

  router.post("/firewalls", (ctx) => {
    const input = ctx.body(createInput);
    assertUniqueName(store, input.name);
    const rules = (input.rules ?? []).map(toRule);
    const targets = toTargets(store, input.apply_to ?? [], 422);
    const fw: FirewallRecord = { id: 0, name: input.name, labels: assertValidLabels(input.labels), created: store.nowIso(), rules, appliedTo: [] };
    assertApplicable(store, fw, targets);
    fw.id = store.nextId("firewall");
    store.firewalls.set(fw.id, fw);
    const actions = rules.length > 0 ? [store.createAction("set_firewall_rules", [{ id: fw.id, type: "firewall" }])] : [];
    actions.push(...addTargets(store, fw, targets));
    return { status: 201, body: { firewall: renderFirewall(store, fw), actions } };
  });

  router.get("/firewalls/:id", (ctx) => ({ status: 200, body: { firewall: renderFirewall(store, getFirewall(store, ctx)) } }));

  router.put("/firewalls/:id", (ctx) => {
    const fw = getFirewall(store, ctx);
    const input = ctx.body(updateInput);
    store.assertNotBusy("firewall", fw.id);
    if (input.name !== undefined) assertUniqueName(store, input.name, fw.id);
    const labels = input.labels === undefined ? fw.labels : assertValidLabels(input.labels);
    if (input.name !== undefined) fw.name = input.name;
    fw.labels = labels;
    return { status: 200, body: { firewall: renderFirewall(store, fw) } };
  });

  router.delete("/firewalls/:id", (ctx) => {
    const fw = getFirewall(store, ctx);
    store.assertNotBusy("firewall", fw.id);
    if (fw.appliedTo.length > 0) throw new ApiError("resource_in_use", "firewall is still applied to a resource");
    store.firewalls.delete(fw.id);
    return { status: 204 };
  });

  router.post("/firewalls/:id/actions/set_rules", (ctx) => {
    const fw = getFirewall(store, ctx);
    const input = ctx.body(z.object({ rules: z.array(ruleInput) }));
    store.assertNotBusy("firewall", fw.id);
    fw.rules = input.rules.map(toRule);
    const actions = [store.createAction("set_firewall_rules", [{ id: fw.id, type: "firewall" }])];
    for (const serverId of serversOfFirewall(store, fw)) {
      actions.push(store.createAction("apply_firewall", [{ id: serverId, type: "server" }, { id: fw.id, type: "firewall" }]));
    }
    return { status: 201, body: { actions } };
  });

  router.post("/firewalls/:id/actions/apply_to_resources", (ctx) => {
    const fw = getFirewall(store, ctx);
    const input = ctx.body(z.object({ apply_to: z.array(resourceInput) }));
    store.assertNotBusy("firewall", fw.id);
    return { status: 201, body: { actions: addTargets(store, fw, toTargets(store, input.apply_to, 404)) } };
  });

  router.post("/firewalls/:id/actions/remove_from_resources", (ctx) => {
    const fw = getFirewall(store, ctx);
    const input = ctx.body(z.object({ remove_from: z.array(resourceInput) }));
    store.assertNotBusy("firewall", fw.id);
    const targets = toTargets(store, input.remove_from, 404);
    for (const t of targets) {
      if (fw.appliedTo.some((x) => sameTarget(x, t))) continue;
      if (t.type === "server" && serversOfFirewall(store, fw).includes(t.serverId)) {
        throw new ApiError("firewall_managed_by_label_selector", "firewall is applied via a label selector and cannot be removed manually");
      }
      throw new ApiError("firewall_resource_not_found", "firewall is not applied to the resource", {}, 404);
    }
    const actions = applyActions(store, fw, targets, "remove_firewall");
    fw.appliedTo = fw.appliedTo.filter((x) => !targets.some((t) => sameTarget(x, t)));
    return { status: 201, body: { actions } };
  });
}
