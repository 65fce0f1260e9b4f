/**
 * Action endpoints: `GET /actions?id=..` (what hcloud-go's ActionClient.WaitFor polls),
 * `GET /actions/{id}` and the per-resource lists `/<resource>/actions`, `/<resource>/{id}/actions`.
 */
import { ApiError, invalidField, notFound } from "./errors";
import { listReply, sortItems, type Reply, type RequestContext } from "./http";
import type { Router } from "./router";
import type { Store } from "./state";
import type { Action } from "./types";

const SORT_FIELDS = {
  id: (a: Action) => a.id,
  command: (a: Action) => a.command,
  status: (a: Action) => a.status,
  started: (a: Action) => a.started,
  finished: (a: Action) => a.finished,
} as const;

const RESOURCES: readonly { readonly path: string; readonly type: string; readonly exists: (store: Store, id: number) => boolean }[] = [
  { path: "servers", type: "server", exists: (s, id) => s.servers.has(id) },
  { path: "networks", type: "network", exists: (s, id) => s.networks.has(id) },
  { path: "firewalls", type: "firewall", exists: (s, id) => s.firewalls.has(id) },
  { path: "primary_ips", type: "primary_ip", exists: (s, id) => s.primaryIps.has(id) },
];

function idFilter(ctx: RequestContext): number[] {
  return ctx.queryAll("id").map((raw) => {
    if (!/^\d+$/.test(raw)) throw invalidField("id", "Not a valid integer.");
    return Number(raw);
  });
}

function statusFilter(ctx: RequestContext, actions: readonly Action[]): Action[] {
  const statuses = ctx.queryAll("status");
  for (const s of statuses) if (s !== "running" && s !== "success" && s !== "error") throw invalidField("status", "Not a valid choice.");
  return statuses.length === 0 ? [...actions] : actions.filter((a) => statuses.includes(a.status));
}

function one(store: Store, id: number, type?: string): Reply {
  const action = store.getAction(id);
  if (!action || (type !== undefined && !action.resources.some((r) => r.type === type))) throw notFound("action");
  return { status: 200, body: { action } };
}

export function registerActionRoutes(router: Router, store: Store): void {
  router.get("/actions", (ctx) => {
    const ids = idFilter(ctx);
    if (ids.length === 0) throw invalidField("id", "Missing data for required field.");
    const found = store.allActions().filter((a) => ids.includes(a.id));
    return { status: 200, body: { actions: sortItems(ctx, statusFilter(ctx, found), SORT_FIELDS) } };
  });
  router.get("/actions/:id", (ctx) => one(store, ctx.id("id", "action")));

  for (const res of RESOURCES) {
    router.get(`/${res.path}/actions`, (ctx) => {
      const ids = idFilter(ctx);
      const ofType = store.allActions().filter((a) => a.resources.some((r) => r.type === res.type));
      const selected = ids.length === 0 ? ofType : ofType.filter((a) => ids.includes(a.id));
      return listReply(ctx, "actions", sortItems(ctx, statusFilter(ctx, selected), SORT_FIELDS));
    });
    router.get(`/${res.path}/actions/:id`, (ctx) => one(store, ctx.id("id", "action"), res.type));
    router.get(`/${res.path}/:id/actions`, (ctx) => {
      const id = ctx.id("id", res.type.replace("_", " "));
      if (!res.exists(store, id)) throw notFound(res.type.replace("_", " "));
      const mine = store.allActions().filter((a) => a.resources.some((r) => r.type === res.type && r.id === id));
      return listReply(ctx, "actions", sortItems(ctx, statusFilter(ctx, mine), SORT_FIELDS));
    });
    router.get(`/${res.path}/:id/actions/:action_id`, (ctx) => {
      const id = ctx.id("id", res.type.replace("_", " "));
      const reply = one(store, ctx.id("action_id", "action"));
      const action = (reply.body as { action: Action }).action;
      if (!action.resources.some((r) => r.type === res.type && r.id === id)) throw new ApiError("not_found", "action not found");
      return reply;
    });
  }
}
