/**
 * Read-only catalog endpoints: server_types, images, locations, datacenters.
 * Query parameters as sent by hcloud-go (`name`, `architecture`, `include_deprecated`, `type`,
 * `status`, `label_selector`, `sort`, `page`, `per_page`).
 */
import { invalidField, notFound } from "./errors";
import { filterByName, listReply, sortItems, type RequestContext } from "./http";
import { filterBySelector } from "./labels";
import type { Router } from "./router";
import type { Store } from "./state";
import type { Image } from "./types";

const BY_ID_NAME = { id: (x: { id: number }) => x.id, name: (x: { name: string | null }) => x.name } as const;

function oneOf(ctx: RequestContext, name: string, allowed: readonly string[]): string[] {
  const values = ctx.queryAll(name);
  for (const v of values) if (!allowed.includes(v)) throw invalidField(name, "Not a valid choice.");
  return values;
}

function filterImages(ctx: RequestContext, images: readonly Image[]): Image[] {
  const types = oneOf(ctx, "type", ["system", "app", "snapshot", "backup"]);
  const statuses = oneOf(ctx, "status", ["available", "creating", "unavailable"]);
  const arch = oneOf(ctx, "architecture", ["x86", "arm"]);
  const boundTo = ctx.queryAll("bound_to");
  const includeDeprecated = ctx.queryBool("include_deprecated") ?? false;
  let result = filterBySelector(filterByName(ctx, images), ctx.queryString("label_selector"));
  result = result.filter(
    (i) =>
      (types.length === 0 || types.includes(i.type)) &&
      (statuses.length === 0 || statuses.includes(i.status)) &&
      (arch.length === 0 || arch.includes(i.architecture)) &&
      (boundTo.length === 0 || boundTo.includes(String(i.bound_to))) &&
      (includeDeprecated || i.deprecated === null),
  );
  return sortItems(ctx, result, { ...BY_ID_NAME, created: (i) => i.created });
}

export function registerCatalogRoutes(router: Router, store: Store): void {
  const { catalog } = store;

  router.get("/server_types", (ctx) => listReply(ctx, "server_types", sortItems(ctx, filterByName(ctx, catalog.serverTypes), BY_ID_NAME)));
  router.get("/server_types/:id", (ctx) => {
    const found = catalog.serverTypes.find((t) => t.id === ctx.id("id", "server type"));
    if (!found) throw notFound("server type");
    return { status: 200, body: { server_type: found } };
  });

  router.get("/images", (ctx) => listReply(ctx, "images", filterImages(ctx, catalog.images)));
  router.get("/images/:id", (ctx) => {
    const found = catalog.images.find((i) => i.id === ctx.id("id", "image"));
    if (!found) throw notFound("image");
    return { status: 200, body: { image: found } };
  });

  router.get("/locations", (ctx) => listReply(ctx, "locations", sortItems(ctx, filterByName(ctx, catalog.locations), BY_ID_NAME)));
  router.get("/locations/:id", (ctx) => {
    const found = catalog.locations.find((l) => l.id === ctx.id("id", "location"));
    if (!found) throw notFound("location");
    return { status: 200, body: { location: found } };
  });

  router.get("/datacenters", (ctx) => {
    const reply = listReply(ctx, "datacenters", sortItems(ctx, filterByName(ctx, catalog.datacenters), BY_ID_NAME));
    return { ...reply, body: { ...(reply.body as object), recommendation: catalog.datacenters[0]?.id ?? null } };
  });
  router.get("/datacenters/:id", (ctx) => {
    const found = catalog.datacenters.find((d) => d.id === ctx.id("id", "datacenter"));
    if (!found) throw notFound("datacenter");
    return { status: 200, body: { datacenter: found } };
  });
}
