/** How a dynamic provider reaches the tenant-database server as its administrator: the postgresql provider's own stack config. */
export interface PostgresAdminSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sslmode: string;
}

/** Reads `postgresql:host`, `port`, `username`, `password`, `database` and `sslmode` from a dynamic provider's configure config. */
export function postgresAdminSettingsFrom(config: { get(key: string): string | undefined }): PostgresAdminSettings {
  const host = config.get("postgresql:host");
  const user = config.get("postgresql:username");
  const password = config.get("postgresql:password");
  if (!host || !user || password === undefined) {
    throw new Error("postgresql:host, postgresql:username and postgresql:password must be set; the session cutoff provider needs them");
  }
  const port = Number(config.get("postgresql:port") ?? "5432");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("postgresql:port: must be a port number 1–65535");
  // The same default as the stack config's: offline mode's containers serve no TLS.
  const sslmode = config.get("postgresql:sslmode") ?? (config.get("frostbyte:mode") === "offline" ? "disable" : "require");
  return { host, port, user, password, database: config.get("postgresql:database") ?? "postgres", sslmode };
}

/** node-postgres's `ssl` option for a libpq sslmode. */
export function sslOptionOf(sslmode: string): false | { rejectUnauthorized: boolean } {
  return sslmode === "disable" ? false : { rejectUnauthorized: sslmode === "verify-full" || sslmode === "verify-ca" };
}
