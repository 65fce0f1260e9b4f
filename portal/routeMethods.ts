/**
 * Which methods each path answers, so that a request no route matched is answered 405 with `Allow`
 * when its path exists (RFC 9110 §15.5.6) and 404 only when it does not.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { methodNotAllowed, notFound, type HttpError } from "./errors";

interface PathMethods {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** `/tenants/:id/config` → a pattern matching `/tenants/acme/config`. */
function patternOf(url: string): RegExp {
  const parts = url.split("/").map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("/")}$`);
}

export class RouteMethods {
  private readonly paths = new Map<string, PathMethods>();

  /** Records every route registered on `app` from now on (Fastify's own HEAD routes included). */
  watch(app: FastifyInstance): void {
    app.addHook("onRoute", (route) => {
      const entry = this.paths.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
      this.paths.set(route.url, entry);
    });
  }

  /** The answer to a request no route matched: 405 with `Allow` when its path exists, else 404. */
  unrouted(request: FastifyRequest): HttpError {
    const path = request.url.split("?")[0] ?? request.url;
    const allowed = this.allowed(path);
    return allowed.length > 0 && !allowed.includes(request.method) ? methodNotAllowed(request.method, path, allowed) : notFound(`no route ${request.method} ${path}`);
  }

  /** The methods the path answers, sorted; empty when no route has the path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { pattern, methods: own } of this.paths.values()) if (pattern.test(path)) for (const method of own) methods.add(method);
    return [...methods].sort();
  }
}
