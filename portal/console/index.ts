/**
 * The self-service console (issue 16) inside the portal: the page and its assets at `/`, and the
 * read routes it needs (`GET /me`, a tenant's operations history and its verified audit log).
 * Registered by the portal's app builder like any route plugin.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { consolePages, type ConsolePagesOptions } from "./pages";
import { consoleReadRoutes } from "./reads";

export { CONSOLE_CSP, defaultConsoleAssets, type ConsolePagesOptions } from "./pages";

export const consolePlugin: FastifyPluginAsyncTypebox<ConsolePagesOptions> = async (app, options) => {
  await app.register(consoleReadRoutes);
  await app.register(consolePages, options);
};
