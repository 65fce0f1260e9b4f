/**
 * A portal on a control-plane pool and the tenant stacks: start-up recovery first, then the HTTP
 * application. `startPortal` adds what a real process needs around it: its own pool, the
 * single-instance lock, and a listening socket.
 */
import type { FastifyServerOptions } from "fastify";
import type pg from "pg";
import { createControlPlanePool, TenantRegistry } from "../controlplane";
import { buildPortalApp } from "./app";
import { acquirePortalLock } from "./instanceLock";
import { PortalMetrics } from "./metrics";
import { ProgressHub } from "./operations/progressHub";
import { recoverInterruptedOperations, type RecoveredOperation } from "./operations/recovery";
import { OperationRunner, type RunnerLog } from "./operations/runner";
import { TenantOperations } from "./operations/service";
import type { OperationStacks } from "./operations/stacks";
import type { PortalApp } from "./services";
import type { AccessSettings } from "./settings";

/** Who the registry records for the changes the portal makes on its own (recovery, settling a failure). */
export const PORTAL_ACTOR = "portal";

/** What a portal is built from. */
export interface PortalDeps {
  /** The control plane, as a member of frostbyte_runtime. */
  readonly pool: pg.Pool;
  readonly stacks: OperationStacks;
  /** Fastify's logger option (default: none). */
  readonly logger?: FastifyServerOptions["logger"];
  /** How long `close` lets running operations finish before cancelling them (default 60 s). */
  readonly shutdownGraceMs?: number;
  /** Failed-authentication limit and the event stream's token check (default: settings.ts). */
  readonly access?: AccessSettings;
}

/** A built portal, not yet listening. */
export interface Portal {
  readonly app: PortalApp;
  /** What start-up recovery failed. */
  readonly recovered: readonly RecoveredOperation[];
  /** Refuses new operations, lets running ones finish (then cancels them), and closes the app. */
  close(): Promise<void>;
}

/** Recovers interrupted operations, then builds the application. */
export async function openPortal(deps: PortalDeps): Promise<Portal> {
  const { pool, stacks } = deps;
  const registry = new TenantRegistry(pool);
  const recovered = await recoverInterruptedOperations(pool, registry, stacks, PORTAL_ACTOR);
  const hub = new ProgressHub();
  const metrics = new PortalMetrics();
  // The runner logs through the app's logger, which exists only once the app is built.
  const logger: { current?: PortalApp["log"] } = {};
  const log: RunnerLog = { error: (details, message) => logger.current?.error(details, message), warn: (details, message) => logger.current?.warn(details, message) };
  const runner = new OperationRunner({ pool, registry, stacks, hub, metrics, redact: stacks.redact, log, actor: PORTAL_ACTOR });
  const operations = new TenantOperations(pool, registry, stacks, runner);
  const app = await buildPortalApp({ pool, registry, operations, hub, metrics }, { logger: deps.logger ?? false, ...(deps.access ? { access: deps.access } : {}) });
  logger.current = app.log;
  for (const { operation, staleLockError } of recovered) {
    app.log.warn({ operationId: operation.operationId, tenantId: operation.tenantId, kind: operation.kind }, "operation interrupted by a restart marked failed");
    if (staleLockError) app.log.error({ tenantId: operation.tenantId, error: staleLockError }, "could not clear the stack's stale lock");
  }
  const grace = deps.shutdownGraceMs ?? 60_000;
  return {
    app,
    recovered,
    close: async () => {
      operations.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([runner.drain(), new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
      runner.abortAll("the portal is shutting down");
      await runner.drain();
      await app.close();
    },
  };
}

/** Where a portal listens and what it runs on. */
export interface StartPortalOptions {
  readonly controlDbUrl: string;
  readonly host: string;
  readonly port: number;
  readonly stacks: OperationStacks;
  readonly logger?: FastifyServerOptions["logger"];
  readonly shutdownGraceMs?: number;
  readonly access?: AccessSettings;
}

/** A listening portal. */
export interface RunningPortal extends Portal {
  /** `http://host:port` it listens on. */
  readonly url: string;
}

/**
 * Opens a pool, takes the single-instance lock (PortalAlreadyRunningError when another portal has
 * it), recovers, and listens. `close` undoes all of it.
 */
export async function startPortal(options: StartPortalOptions): Promise<RunningPortal> {
  const lock = await acquirePortalLock(options.controlDbUrl);
  const pool = createControlPlanePool(options.controlDbUrl, { applicationName: "frostbyte-portal" });
  let portal: Portal;
  try {
    portal = await openPortal({
      pool,
      stacks: options.stacks,
      logger: options.logger,
      ...(options.shutdownGraceMs === undefined ? {} : { shutdownGraceMs: options.shutdownGraceMs }),
      ...(options.access === undefined ? {} : { access: options.access }),
    });
  } catch (error) {
    await pool.end();
    await lock.release();
    throw error;
  }
  let address: string;
  try {
    address = await portal.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await portal.close();
    await pool.end();
    await lock.release();
    throw error;
  }
  return {
    ...portal,
    url: address,
    close: async () => {
      try {
        await portal.close();
      } finally {
        await pool.end();
        await lock.release();
      }
    },
  };
}
