import { STORE_PORTS } from "../../domain";
import type { StoreContainerSpec } from "./storeContainer";

/** Where the volume is mounted; PGDATA is a directory inside it (see {@link postgresContainerSpec}). */
export const POSTGRES_DATA_PATH = "/var/lib/postgresql/data";

/**
 * What the image's entrypoint does as root before it drops to `postgres`: create PGDATA inside the
 * postgres-owned volume (DAC_OVERRIDE), own its directories (CHOWN) and set their modes (FOWNER),
 * then switch user (SETUID, SETGID; `gosu` in the official image). The server itself then runs
 * without any: a non-root user keeps no capability, and no-new-privileges stops it regaining one.
 * Spelt with the `CAP_` prefix, as the engine reports them back: the provider's refresh would
 * otherwise see drift and replace the container.
 */
export const POSTGRES_ENTRYPOINT_CAPABILITIES: readonly string[] = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"];

/**
 * The PostgreSQL container: the official image's entrypoint runs initdb on first start with the
 * stack's admin role and password (`postgresql:username`, `postgresql:password`), so the
 * provider's connection matches. PGDATA is set explicitly to a directory inside the volume, which
 * keeps the layout the same for images before and after PostgreSQL 18 (whose default moved).
 * The entrypoint starts as root to create and own its directories and then drops to `postgres`,
 * so it keeps the five capabilities that takes ({@link POSTGRES_ENTRYPOINT_CAPABILITIES}) and none
 * of Docker's other defaults.
 * The health check asks over TCP, which the temporary initdb server does not listen on, so the
 * container is healthy only once the real server accepts connections.
 */
export function postgresContainerSpec(admin: { readonly user: string; readonly password: string }): StoreContainerSpec {
  const port = STORE_PORTS.postgres;
  return {
    store: "postgres",
    containerPort: port,
    dataPath: POSTGRES_DATA_PATH,
    env: {
      POSTGRES_USER: admin.user,
      POSTGRES_PASSWORD: admin.password,
      POSTGRES_DB: "postgres",
      PGDATA: `${POSTGRES_DATA_PATH}/pgdata`,
    },
    healthcheck: ["CMD", "pg_isready", "--host=127.0.0.1", `--port=${port}`, `--username=${admin.user}`, "--dbname=postgres"],
    healthStartPeriod: "45s",
    tmpfs: ["/var/run/postgresql", "/tmp"],
    capabilities: POSTGRES_ENTRYPOINT_CAPABILITIES,
    shmSizeMb: 256,
  };
}
