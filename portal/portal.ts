/**
 * A portal on a control-plane pool and the job queue: it validates, records and enqueues
 * operations, and streams their progress from the database. It runs no engine: `frostbyte worker`
 * processes do. Any number of portals may run at once on one control plane. `startPortal` adds what
 * a real process needs around it: its own pool, its queue producer and a listening socket.
 */
import type { FastifyServerOptions } from "fastify";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { createControlPlanePool, openJobQueue, TenantRegistry } from "../controlplane";
import { buildPortalApp } from "./app";
import { registerDriftMetrics } from "./driftMetrics";
import { PortalMetrics } from "./metrics";
import { TenantOperations } from "./operations/service";
import { ProgressFeed } from "./progressFeed";
import type { PortalApp } from "./services";
import type { AccessSettings } from "./settings";

/** What a portal is built from. */
export interface PortalDeps {
  /** The control plane, as a member of frostbyte_runtime. */
  readonly pool: pg.Pool;
  /** The same control plane's URL: the progress feed listens on a connection of its own. */
  readonly controlDbUrl: string;
  /** The job queue, as a producer (controlplane/queue/jobQueue.ts). */
  readonly queue: PgBoss;
  /** Fastify's logger option (default: none). */
  readonly logger?: FastifyServerOptions["logger"];
  /** Failed-authentication limit and the event stream's token check (default: settings.ts). */
  readonly access?: AccessSettings;
}

/** A built portal, not yet listening. */
export interface Portal {
  readonly app: PortalApp;
  /** Refuses new operations and closes the app and its progress feed (operations go on on the workers). */
  close(): Promise<void>;
}

/** Builds the application. */
export async function openPortal(deps: PortalDeps): Promise<Portal> {
  const { pool } = deps;
  const registry = new TenantRegistry(pool);
  const metrics = new PortalMetrics(pool);
  registerDriftMetrics(metrics.registry, pool);
  const feed = await ProgressFeed.open(deps.controlDbUrl);
  const operations = new TenantOperations(pool, registry, deps.queue);
  let app: PortalApp;
  try {
    app = await buildPortalApp({ pool, registry, operations, feed, metrics }, { logger: deps.logger ?? false, ...(deps.access ? { access: deps.access } : {}) });
  } catch (error) {
    await feed.close();
    throw error;
  }
  return {
    app,
    close: async () => {
      operations.close();
      // Open event streams end with the app; a client reconnects to any portal with Last-Event-ID.
      await app.close();
      await feed.close();
    },
  };
}

/** Where a portal listens and what it runs on. */
export interface StartPortalOptions {
  readonly controlDbUrl: string;
  readonly host: string;
  readonly port: number;
  readonly logger?: FastifyServerOptions["logger"];
  readonly access?: AccessSettings;
}

/** A listening portal. */
export interface RunningPortal extends Portal {
  /** `http://host:port` it listens on. */
  readonly url: string;
}

/** Opens a pool and the queue producer, builds the portal and listens. `close` undoes all of it. */
export async function startPortal(options: StartPortalOptions): Promise<RunningPortal> {
  const pool = createControlPlanePool(options.controlDbUrl, { applicationName: "frostbyte-portal" });
  let queue: PgBoss | undefined;
  let portal: Portal | undefined;
  const closeAll = async (): Promise<void> => {
    try {
      await portal?.close();
    } finally {
      await queue?.stop({ graceful: false }).catch(() => undefined);
      await pool.end();
    }
  };
  try {
    queue = await openJobQueue(options.controlDbUrl, { kind: "producer" });
    portal = await openPortal({ pool, queue, controlDbUrl: options.controlDbUrl, logger: options.logger, ...(options.access === undefined ? {} : { access: options.access }) });
    const address = await portal.app.listen({ host: options.host, port: options.port });
    return { ...portal, url: address, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
