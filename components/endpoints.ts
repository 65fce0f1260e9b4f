/** Where a tenant's stores are reached; all public, never a secret (DESIGN §4 `endpoints`). */
export interface StoreEndpoints {
  /** MinIO API as host:port. */
  readonly minioServer: string;
  readonly minioSsl: boolean;
  readonly postgresHost: string;
  readonly postgresPort: number;
  /** How tenants connect to PostgreSQL (libpq sslmode). */
  readonly postgresSslmode: string;
  /** Redis URL; any user info in it is dropped before it is published. */
  readonly redisUrl: string;
  readonly qdrantUrl: string;
}

/** Drops user info from a URL so an endpoint can be published without a credential. */
export function withoutUserInfo(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/$/, "");
}
