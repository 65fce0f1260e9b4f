/** How a command reaches the control-plane database: FROSTBYTE_CONTROL_DB_URL (DESIGN §9). */
import { assertControlPlaneUrl, TenantRegistry, withControlPlanePool } from "../controlplane";
import type pg from "pg";
import { CliError, type CliIo } from "./io";

export const CONTROL_DB_URL_ENV = "FROSTBYTE_CONTROL_DB_URL";

/** The control-plane URL from the environment; a clear error when it is unset or not a postgres URL. */
export function controlDbUrl(io: CliIo): string {
  const url = io.env[CONTROL_DB_URL_ENV];
  if (url === undefined || url.trim() === "") {
    throw new CliError(`${CONTROL_DB_URL_ENV} is not set; set it to the control-plane database, e.g. postgresql://frostbyte@db.internal:5432/frostbyte_control`);
  }
  try {
    return assertControlPlaneUrl(url.trim());
  } catch (error) {
    throw new CliError(`${CONTROL_DB_URL_ENV}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs `work` with a small pool on the control plane, and closes the pool afterwards. */
export function withPool<T>(io: CliIo, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  return withControlPlanePool(controlDbUrl(io), { max: 2, applicationName: "frostbyte-cli", setting: CONTROL_DB_URL_ENV }, work);
}

/** Runs `work` with a registry on a small pool, and closes the pool afterwards. */
export function withRegistry<T>(io: CliIo, work: (registry: TenantRegistry) => Promise<T>): Promise<T> {
  return withPool(io, (pool) => work(new TenantRegistry(pool)));
}
