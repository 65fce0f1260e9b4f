/**
 * The one reader of what a dynamic provider needs from stack config: the control-plane URL and the
 * stores' admin settings, checked with the schemas the program validates the stack config with
 * (domain/config/stackConfig.ts), so a key is never validated twice by two rules. Runtime side:
 * providers load it by path in their `configure` (see runtimeModule.ts); it would drag zod into
 * the state if captured.
 */
import { ConfigValidationError, readConfigValue, type ConfigProblem, type FullKey, type Parsed } from "../../domain";
import type { MinioAdminSettings } from "../minio/adminSettings";
import type { PostgresAdminSettings } from "../postgres/adminSettings";
import type { QdrantAdminSettings } from "../qdrant/adminSettings";
import type { RedisAdminSettings } from "../redis/adminSettings";

/** The stack config a dynamic provider's `configure` receives, read by full key (`namespace:key`). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

type Values<K extends FullKey> = { [P in K]: Parsed<P> };

/**
 * Reads `keys` as the program does (readConfigValue): required unless `defaults` has a value for
 * it, every problem collected. Throws a ConfigValidationError that names each key and never quotes
 * a value.
 */
export function readStackConfigKeys<K extends FullKey>(config: ProviderConfig, keys: readonly K[], defaults: Partial<Values<K>> = {}): Values<K> {
  const problems: ConfigProblem[] = [];
  const read = (key: string) => config.get(key);
  const values = Object.fromEntries(keys.map((key) => [key, readConfigValue(read, problems, key, true, defaults[key])]));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return values as Values<K>;
}

/** `frostbyte:controlPlaneDbUrl`: where the write-back, age-key, secrets-file and isolation providers record. */
export function controlPlaneDbUrl(config: ProviderConfig): string {
  return readStackConfigKeys(config, ["frostbyte:controlPlaneDbUrl"])["frostbyte:controlPlaneDbUrl"];
}

/** `frostbyte:qdrant`: the Qdrant API as its administrator. */
export function qdrantAdminSettings(config: ProviderConfig): QdrantAdminSettings {
  return readStackConfigKeys(config, ["frostbyte:qdrant"])["frostbyte:qdrant"];
}

/** `frostbyte:redis`: the Redis server as its ACL administrator. */
export function redisAdminSettings(config: ProviderConfig): RedisAdminSettings {
  return readStackConfigKeys(config, ["frostbyte:redis"])["frostbyte:redis"];
}

/** The minio provider's own keys (`minio:minioServer`, …), with the program's defaults. */
export function minioAdminSettings(config: ProviderConfig): MinioAdminSettings {
  const minio = readStackConfigKeys(config, ["minio:minioServer", "minio:minioUser", "minio:minioPassword", "minio:minioSsl", "minio:minioRegion"], {
    "minio:minioSsl": false,
    "minio:minioRegion": "us-east-1",
  });
  return {
    endpoint: minio["minio:minioServer"],
    accessKey: minio["minio:minioUser"],
    secretKey: minio["minio:minioPassword"],
    ssl: minio["minio:minioSsl"],
    region: minio["minio:minioRegion"],
  };
}

/**
 * The postgresql provider's own keys (`postgresql:host`, …), with the program's defaults: sslmode
 * `disable` in offline mode (its containers serve no TLS), `require` otherwise. `postgresql:database`
 * is the provider's maintenance database, which the program never reads: `postgres` unless set.
 */
export function postgresAdminSettings(config: ProviderConfig): PostgresAdminSettings {
  const { "frostbyte:mode": mode } = readStackConfigKeys(config, ["frostbyte:mode"], { "frostbyte:mode": "online" });
  const pg = readStackConfigKeys(config, ["postgresql:host", "postgresql:port", "postgresql:username", "postgresql:password", "postgresql:sslmode"], {
    "postgresql:port": 5432,
    "postgresql:sslmode": mode === "offline" ? "disable" : "require",
  });
  return {
    host: pg["postgresql:host"],
    port: pg["postgresql:port"],
    user: pg["postgresql:username"],
    password: pg["postgresql:password"],
    database: config.get("postgresql:database") || "postgres",
    sslmode: pg["postgresql:sslmode"],
  };
}
