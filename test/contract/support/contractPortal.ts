/**
 * The portal the contract test runs schemathesis against: `startPortal` as `frostbyte portal` runs
 * it (its own pool and queue producer, a socket on 127.0.0.1), on a real, migrated control-plane
 * database of a real PostgreSQL, with a worker in this process whose stacks are the
 * {@link EngineFreeStacks} test double. Tenants in several states give the requests something to find.
 */
import { createToken } from "../../../controlplane";
import { DEFAULT_ACCESS_SETTINGS, type RunningPortal } from "../../../portal";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../../support/controlPlaneDb";
import { startPortalWithWorker } from "../../support/portalWithWorker";
import { startPostgres, type PostgresServer } from "../../support/postgresServer";
import { EngineFreeStacks } from "./engineFreeStacks";

/** Tenants the database starts with, one per state a route treats differently. */
export const SEEDED_TENANTS = { acme: "PENDING", globex: "ACTIVE", initech: "SUSPENDED" } as const;

export interface ContractPortal {
  readonly url: string;
  readonly adminToken: string;
  readonly db: ControlPlaneDatabase;
  readonly stacks: EngineFreeStacks;
  close(): Promise<void>;
}

/** Starts it; `log` receives the portal's log lines (warnings and errors: a 500 logs its cause). */
export async function startContractPortal(log: (line: string) => void): Promise<ContractPortal> {
  const server: PostgresServer = await startPostgres();
  const db = await createControlPlaneDatabase(server);
  const actor = "contract-test";
  for (const [id, state] of Object.entries(SEEDED_TENANTS)) {
    await db.registry.createTenant(id, { actor });
    const path = state === "PENDING" ? [] : state === "ACTIVE" ? (["PROVISIONING", "ACTIVE"] as const) : (["PROVISIONING", "ACTIVE", "SUSPENDED"] as const);
    for (const next of path) await db.registry.transition(id, next, { actor });
  }
  const adminToken = (await createToken(db.pool, { kind: "admin" })).token;
  const stacks = new EngineFreeStacks();
  let portal: RunningPortal;
  try {
    portal = await startPortalWithWorker(db.pool, {
      controlDbUrl: db.runtimeUrl,
      host: "127.0.0.1",
      port: 0,
      stacks,
      workerGraceMs: 5_000,
      // Schemathesis sends thousands of requests from one address, many without a usable token on
      // purpose (its auth checks): the limit on failed authentications is tested in test/portal/tokens.test.ts.
      access: { ...DEFAULT_ACCESS_SETTINGS, authFailures: { maxFailures: 1_000_000, windowSeconds: 60 } },
      logger: { level: "warn", stream: { write: (line: string) => log(line) } },
    });
  } catch (error) {
    await db.close();
    await server.stop();
    throw error;
  }
  return {
    url: portal.url,
    adminToken,
    db,
    stacks,
    async close() {
      await portal.close();
      await db.close();
      await server.stop();
    },
  };
}
