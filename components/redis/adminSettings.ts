/** How the provider reaches Redis as an administrator (stack config `frostbyte:redis`). */
export interface RedisAdminSettings {
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

/** Reads `frostbyte:redis` from the raw JSON text a dynamic provider's configure receives. */
export function parseRedisAdminSettings(raw: string | undefined): RedisAdminSettings {
  if (raw === undefined) throw new Error("frostbyte:redis is not set; the Redis ACL provider needs it");
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null) throw new Error("frostbyte:redis must be an object { url, adminUser, adminPassword }");
  const { url, adminUser, adminPassword } = parsed as Record<string, unknown>;
  if (typeof url !== "string" || typeof adminUser !== "string" || typeof adminPassword !== "string") {
    throw new Error("frostbyte:redis must be an object { url, adminUser, adminPassword } of strings");
  }
  return { url, adminUser, adminPassword };
}
