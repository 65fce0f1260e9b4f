/**
 * Server power and settings actions: poweron, poweroff, shutdown, reboot, reset,
 * change_protection, enable_backup, disable_backup. Action commands follow the API description
 * examples (start_server, stop_server, shutdown_server, reboot_server, reset_server, ...).
 * Status moves through starting/stopping and settles when the action succeeds.
 */
import { z } from "zod";
import { notFound } from "./errors";
import type { Reply, RequestContext } from "./http";
import type { Router } from "./router";
import type { ServerRecord, Store } from "./state";
import type { ServerStatus } from "./types";

function serverOf(store: Store, ctx: RequestContext): ServerRecord {
  const server = store.servers.get(ctx.id("id", "server"));
  if (!server) throw notFound("server");
  store.assertNotBusy("server", server.id);
  return server;
}

/** Creates the action; `during` applies now, `after` once the action succeeded. */
function power(store: Store, server: ServerRecord, command: string, during: ServerStatus | null, after: ServerStatus | null): Reply {
  if (during !== null) server.status = during;
  const action = store.createAction(command, [{ id: server.id, type: "server" }], {
    onSuccess: () => {
      if (after !== null && server.status !== "deleting") server.status = after;
    },
  });
  return { status: 201, body: { action } };
}

export function registerServerActionRoutes(router: Router, store: Store): void {
  router.post("/servers/:id/actions/poweron", (ctx) => {
    const server = serverOf(store, ctx);
    return power(store, server, "start_server", server.status === "off" ? "starting" : null, "running");
  });
  router.post("/servers/:id/actions/poweroff", (ctx) => {
    const server = serverOf(store, ctx);
    return power(store, server, "stop_server", server.status === "running" ? "stopping" : null, "off");
  });
  // The double's guests always honour ACPI, so a shutdown ends in status `off`.
  router.post("/servers/:id/actions/shutdown", (ctx) => {
    const server = serverOf(store, ctx);
    return power(store, server, "shutdown_server", server.status === "running" ? "stopping" : null, "off");
  });
  router.post("/servers/:id/actions/reboot", (ctx) => power(store, serverOf(store, ctx), "reboot_server", null, "running"));
  router.post("/servers/:id/actions/reset", (ctx) => power(store, serverOf(store, ctx), "reset_server", null, "running"));

  router.post("/servers/:id/actions/change_protection", (ctx) => {
    const server = store.servers.get(ctx.id("id", "server"));
    if (!server) throw notFound("server");
    const input = ctx.body(z.object({ delete: z.boolean().optional(), rebuild: z.boolean().optional() }));
    store.assertNotBusy("server", server.id);
    if (input.delete !== undefined) server.protection.delete = input.delete;
    if (input.rebuild !== undefined) server.protection.rebuild = input.rebuild;
    return power(store, server, "change_protection", null, null);
  });

  router.post("/servers/:id/actions/enable_backup", (ctx) => {
    const server = serverOf(store, ctx);
    server.backupWindow = "22-02";
    return power(store, server, "enable_backup", null, null);
  });
  router.post("/servers/:id/actions/disable_backup", (ctx) => {
    const server = serverOf(store, ctx);
    server.backupWindow = null;
    return power(store, server, "disable_backup", null, null);
  });
}
