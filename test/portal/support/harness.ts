/**
 * A portal for tests, built the way `frostbyte portal` builds it: a real PostgreSQL control plane
 * (migrated, the portal logged in as a member of frostbyte_runtime), the tenant stacks of the
 * project's compiled program on a file backend run by the real engine, and the Fastify app driven
 * with `inject` (or listening on a loopback port). Every store of the base config is at a closed
 * port, so an operation's `up` fails for real; the control plane the program writes back to is the
 * test database.
 */
import type { LightMyRequestResponse } from "fastify";
import { createToken } from "../../../controlplane";
import type { Portal, PortalApp } from "../../../portal";
import type { OperationView } from "../../../portal/schemas/operations";
import { createTenantStacks, type TenantStacks } from "../../../stacks";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../../support/controlPlaneDb";
import { openTestPortal, startTestWorker, type WorkerOfTest } from "../../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../../support/postgresServer";
import type { OperationStacks } from "../../../worker";
import { testBaseConfig, TEST_PASSPHRASE } from "../../stacks/support/baseConfig";
import { ensureEngine } from "../../stacks/support/engine";
import { buildProjectView, type ProjectView } from "../../stacks/support/projectView";

/** What a test sends. */
export interface Send {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface PortalHarness {
  readonly server: PostgresServer;
  readonly db: ControlPlaneDatabase;
  readonly view: ProjectView;
  readonly stacks: TenantStacks;
  readonly adminToken: string;
  portal: Portal;
  /** The worker that runs the portal's operations, in this process. */
  worker: WorkerOfTest;
  readonly app: PortalApp;
  /** A token limited to the tenant (which must exist). */
  tenantToken(tenantId: string): Promise<string>;
  send(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, send?: Send): Promise<LightMyRequestResponse>;
  /** Polls the operation until it has finished (5 minutes at most). */
  finished(operationId: string): Promise<OperationView>;
  /** Closes the portal and opens a new one on the same database (the worker goes on). */
  restart(): Promise<Portal>;
  /** Stops the worker (letting its operations finish) and starts one on `stacks` (default: the harness's). */
  restartWorker(stacks?: OperationStacks): Promise<void>;
  close(): Promise<void>;
}

export function newTenantStacks(view: ProjectView, controlPlaneDbUrl: string): TenantStacks {
  return createTenantStacks(testBaseConfig(controlPlaneDbUrl), {
    env: { PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, FROSTBYTE_STATE_DIR: view.stateDir },
    workDir: view.workDir,
  });
}

export async function startPortalHarness(): Promise<PortalHarness> {
  ensureEngine();
  const [server, view] = await Promise.all([startPostgres(), buildProjectView()]);
  const db = await createControlPlaneDatabase(server);
  const stacks = newTenantStacks(view, db.runtimeUrl);
  const adminToken = (await createToken(db.pool, { kind: "admin" })).token;
  const harness: PortalHarness = {
    server,
    db,
    view,
    stacks,
    adminToken,
    portal: await openTestPortal(db.runtimeUrl, { pool: db.pool }),
    worker: await startTestWorker(db.pool, db.runtimeUrl, stacks),
    get app() {
      return harness.portal.app;
    },
    tenantToken: async (tenantId) => (await createToken(db.pool, { kind: "tenant", tenantId })).token,
    send: (method, url, send = {}) =>
      harness.app.inject({
        method,
        url,
        headers: { ...(send.token ? { authorization: `Bearer ${send.token}` } : {}), ...send.headers },
        ...(send.body === undefined ? {} : { payload: send.body as object }),
      }),
    async finished(operationId) {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const response = await harness.send("GET", `/operations/${operationId}`, { token: adminToken });
        const operation = response.json<OperationView>();
        if (operation.state === "succeeded" || operation.state === "failed") return operation;
        if (Date.now() > deadline) throw new Error(`operation ${operationId} still ${operation.state} after 5 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async restart() {
      await harness.portal.close();
      harness.portal = await openTestPortal(db.runtimeUrl, { pool: db.pool });
      return harness.portal;
    },
    async restartWorker(next = stacks) {
      await harness.worker.close();
      harness.worker = await startTestWorker(db.pool, db.runtimeUrl, next);
    },
    async close() {
      await harness.portal.close();
      await harness.worker.close();
      await db.close();
      await server.stop();
      await view.remove();
    },
  };
  return harness;
}
