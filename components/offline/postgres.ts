import { STORE_PORTS } from "../validation/offlineConfig";
import type { StoreContainerSpec } from "./storeContainer";

/** Where the volume is mounted; PGDATA is a directory inside it (see {@link postgresContainerSpec}). */
export const POSTGRES_DATA_PATH = "/var/lib/postgresql/data";

/**
 * The PostgreSQL container: the official image's entrypoint runs initdb on first start with the
 * stack's admin role and password (`postgresql:username`, `postgresql:password`), so the
 * provider's connection matches. PGDATA is set explicitly to a directory inside the volume, which
 * keeps the layout the same for images before and after PostgreSQL 18 (whose default moved).
 * The entrypoint starts as root to chown its directories, so Docker's default capabilities stay.
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
    dropAllCapabilities: false,
    shmSizeMb: 256,
  };
}
