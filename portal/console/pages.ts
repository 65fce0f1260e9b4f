/**
 * The console's page and its bundled assets (built by `npm run build` into bin/console/assets),
 * public like the OpenAPI document: everything the page does afterwards is an API call with the
 * signed-in token. Every answer carries a Content-Security-Policy that lets the page load and
 * connect only to the portal's own origin: no CDN, font, frame or inline script can run.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { FastifyPluginAsync, FastifyReply } from "fastify";

/** Only the portal's origin; nothing inline, no plugin, no frame, no form posted elsewhere. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  // A new build is picked up at once; the assets are small.
  "cache-control": "no-cache",
} as const;

/** What the build writes, where the page is served, and its content type. */
const ASSETS = [
  { file: "index.html", url: "/", type: "text/html; charset=utf-8" },
  { file: "app.js", url: "/console/app.js", type: "text/javascript; charset=utf-8" },
  { file: "app.css", url: "/console/app.css", type: "text/css; charset=utf-8" },
  { file: "favicon.svg", url: "/console/favicon.svg", type: "image/svg+xml" },
] as const;

/** The project's root: the nearest folder above this file with a package.json (from portal/ or bin/portal/). */
function projectRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Where `npm run build` writes the console's assets: `bin/console/assets` of the project. A build
 * copied without its package.json (as some tests compile the portal) looks beside its own output,
 * and answers 503 there when the console was not built with it.
 */
export function defaultConsoleAssets(): string {
  const root = projectRoot(__dirname);
  return root === undefined ? resolve(__dirname, "../../console/assets") : resolve(root, "bin/console/assets");
}

/** Options of {@link consolePages}. */
export interface ConsolePagesOptions {
  /** The folder of the built assets (default {@link defaultConsoleAssets}). */
  readonly assetsDir?: string;
}

/**
 * Serves the built assets. They are read on first request and kept, so a portal whose console was
 * never built still starts (its API works) and answers the page with 503 saying how to build it.
 */
export const consolePages: FastifyPluginAsync<ConsolePagesOptions> = async (app, options) => {
  const dir = options.assetsDir ?? defaultConsoleAssets();
  const cache = new Map<string, Buffer>();

  async function asset(file: string): Promise<Buffer | undefined> {
    const cached = cache.get(file);
    if (cached) return cached;
    try {
      const content = await readFile(join(dir, file));
      cache.set(file, content);
      return content;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  const send = async (reply: FastifyReply, file: string, type: string) => {
    reply.headers(SECURITY_HEADERS);
    const content = await asset(file);
    if (content === undefined) {
      return reply.code(503).type("text/plain; charset=utf-8").send(`the console is not built: ${join(dir, file)} is missing; run npm run build\n`);
    }
    return reply.type(type).send(content);
  };

  for (const { file, url, type } of ASSETS) {
    app.get(url, { config: { access: "public" }, schema: { hide: true } }, async (_request, reply) => send(reply, file, type));
  }
};
