/**
 * The portal's OpenAPI document exactly as `GET /openapi.json` serves it, built from the portal's own
 * route schemas without a database or an engine: building the routes only stores the services, a
 * request would be the first to use them, and none is made.
 */
import { buildPortalApp, type PortalContext } from "../../portal";

/** A service the document never reaches: any use is a bug in this export, and says so. */
function unreachable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      // Probes of what a value is (a thenable? a getter/setter decorator?) are answered "no".
      if (typeof key === "symbol" || key === "then" || key === "getter" || key === "setter") return undefined;
      throw new Error(`the OpenAPI export used ${name}.${key}; building the document must not touch the portal's services`);
    },
  });
}

/** The document as JSON data (what a client downloads). */
export async function portalOpenApiDocument(): Promise<Record<string, unknown>> {
  const context: PortalContext = {
    pool: unreachable("pool"),
    registry: unreachable("registry"),
    operations: unreachable("operations"),
    feed: unreachable("feed"),
    metrics: unreachable("metrics"),
  };
  const app = await buildPortalApp(context);
  try {
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
