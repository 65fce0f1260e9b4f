/**
 * A real PostgreSQL server with one migrated control-plane database for a test file: started in
 * beforeAll, stopped in afterAll. The returned object is filled in once beforeAll has run.
 */
import { afterAll, beforeAll } from "vitest";
import type { TenantRegistry } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "./controlPlaneDb";
import { startPostgres, type PostgresServer } from "./postgresServer";

export interface ControlPlaneFixture {
  readonly server: PostgresServer;
  readonly db: ControlPlaneDatabase;
  readonly registry: TenantRegistry;
}

export function useControlPlaneDatabase(): ControlPlaneFixture {
  const fixture: { server?: PostgresServer; db?: ControlPlaneDatabase } = {};
  beforeAll(async () => {
    fixture.server = await startPostgres();
    fixture.db = await createControlPlaneDatabase(fixture.server);
  });
  afterAll(async () => {
    await fixture.db?.close();
    await fixture.server?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the control-plane ${what} is used before beforeAll started it`);
    return value;
  };
  return {
    get server() {
      return ready(fixture.server, "server");
    },
    get db() {
      return ready(fixture.db, "database");
    },
    get registry() {
      return ready(fixture.db, "database").registry;
    },
  };
}
