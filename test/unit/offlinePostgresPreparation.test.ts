// The offline platform's PostgreSQL preparation against a real PostgreSQL. On the first real run
// of an offline stack every tenant's isolation verification failed: the platform's fresh cluster
// let every role connect to `postgres` and `template1` (PUBLIC has CONNECT there), and at a site
// `frostbyte db prepare-tenant-server` is what closes them; offline, the platform runs that server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUrlOf, prepareOfflinePostgres } from "../../components/offline";
import { postgresAdminSettings } from "../../components/providerRuntime/adminSettings";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

describe("the offline platform's PostgreSQL preparation, against a real server", () => {
  let server: PostgresServer;
  const settings = () => ({ host: "127.0.0.1", port: server.port, user: "postgres", password: "unused-on-trust", database: "postgres", sslmode: "disable" });
  const openToPublic = async (database: string) =>
    (await server.query<{ open: boolean }>("SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [database])).rows[0]?.open;

  beforeAll(async () => {
    server = await startPostgres();
    await server.query("CREATE ROLE frostbyte_admin LOGIN");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("closes postgres and template1 to PUBLIC and lets the admin role connect and end sessions", async () => {
    expect(await openToPublic("postgres")).toBe(true);
    expect(await openToPublic("template1")).toBe(true);
    await prepareOfflinePostgres(settings(), "frostbyte_admin");
    expect(await openToPublic("postgres")).toBe(false);
    expect(await openToPublic("template1")).toBe(false);
    const granted = await server.query<{ connect: boolean; signal: boolean }>(
      "SELECT has_database_privilege('frostbyte_admin', 'postgres', 'CONNECT') AS connect, pg_has_role('frostbyte_admin', 'pg_signal_backend', 'MEMBER') AS signal",
    );
    expect(granted.rows[0]).toEqual({ connect: true, signal: true });
    // Idempotent: a second run (a new container on the same volume) changes nothing and succeeds.
    await prepareOfflinePostgres(settings(), "frostbyte_admin");
  });

  it("fails, naming it, when another database that is no tenant's is open to PUBLIC", async () => {
    await server.createDatabase("scratch");
    await expect(prepareOfflinePostgres(settings(), "frostbyte_admin")).rejects.toThrow(/databases PUBLIC may connect to that are no tenant's: scratch/);
    await server.query("REVOKE ALL ON DATABASE scratch FROM PUBLIC");
    await prepareOfflinePostgres(settings(), "frostbyte_admin");
  });

  it("keeps any character of the admin password intact in the URL it connects with", () => {
    const url = new URL(adminUrlOf({ ...settings(), user: "ops@site", password: "p@ss/w:rd?#%" }));
    expect(decodeURIComponent(url.username)).toBe("ops@site");
    expect(decodeURIComponent(url.password)).toBe("p@ss/w:rd?#%");
    expect(url.searchParams.get("sslmode")).toBe("disable");
  });
});

describe("the admin settings the PostgreSQL dynamic providers read from stack config", () => {
  const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
  const base = { "postgresql:host": "127.0.0.1", "postgresql:username": "frostbyte_admin", "postgresql:password": "pw" };

  it("default sslmode as the stack config does: disable in offline mode, whose containers serve no TLS, require online", () => {
    // The README's offline example leaves postgresql:sslmode out; the session cutoff then asked the
    // platform's PostgreSQL for TLS on every suspension and rotation.
    expect(postgresAdminSettings(config({ ...base, "frostbyte:mode": "offline" })).sslmode).toBe("disable");
    expect(postgresAdminSettings(config({ ...base, "frostbyte:mode": "online" })).sslmode).toBe("require");
    expect(postgresAdminSettings(config(base)).sslmode).toBe("require");
    expect(postgresAdminSettings(config({ ...base, "frostbyte:mode": "offline", "postgresql:sslmode": "require" })).sslmode).toBe("require");
  });
});
