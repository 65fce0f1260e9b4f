/**
 * How a dynamic provider reaches the tenant-database server as its administrator: the postgresql
 * provider's own stack config (`postgresql:host`, …), read in its `configure` by
 * providerRuntime/adminSettings.ts.
 */
export interface PostgresAdminSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sslmode: string;
}

/** node-postgres's `ssl` option for a libpq sslmode. */
export function sslOptionOf(sslmode: string): false | { rejectUnauthorized: boolean } {
  return sslmode === "disable" ? false : { rejectUnauthorized: sslmode === "verify-full" || sslmode === "verify-ca" };
}
