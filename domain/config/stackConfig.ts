import { z } from "zod";
import { AGE_RECIPIENT_PATTERN, AGE_RECIPIENT_RULE } from "../ageRecipient";
import { controlPlaneTimeoutProblem } from "./controlPlaneTimeouts";
import { tenantIdProblem, TENANT_ID_RULE } from "../naming";
import { ConfigValidationError, problemsFromZod, type ConfigProblem } from "./errors";
import { offlineConfigSchema, offlineStoreProblems, type OfflineConfig } from "../offline/config";
import { INITIAL_ROTATION, ROTATION_TOKEN_PATTERN, ROTATION_TOKEN_RULE } from "./rotation";
import { tenantConfigSchema, type TenantConfig } from "./tenantConfig";

/** Where the stores of a stack run: Hetzner Cloud, or containers on an air-gapped Docker host. */
export type Mode = "online" | "offline";

const tenantId = z.string().superRefine((id, ctx) => {
  const problem = tenantIdProblem(id);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `tenant id ${JSON.stringify(id)}: ${TENANT_ID_RULE}; ${problem}` });
});

const tenantEntry = z.strictObject({
  id: tenantId,
  config: tenantConfigSchema.prefault({}),
  /** Suspension keeps data and disables every credential (DESIGN §3 transitions 7/8). */
  suspended: z.boolean().default(false),
  /** Keeper of every generated credential and the age key: a new token rotates them all. */
  rotation: z.string({ error: ROTATION_TOKEN_RULE }).regex(ROTATION_TOKEN_PATTERN, { error: ROTATION_TOKEN_RULE }).default(INITIAL_ROTATION),
});

const tenants = z.array(tenantEntry).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.id)) ctx.addIssue({ code: "custom", path: [index, "id"], message: `tenant id "${entry.id}" is listed twice` });
    seen.add(entry.id);
  });
});

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL with scheme ${protocols.map((p) => p.replace(":", "")).join(" or ")}` },
  );

const nonEmpty = z.string().min(1, { error: "must not be empty" });
const ageRecipient = z.string().regex(AGE_RECIPIENT_PATTERN, { error: AGE_RECIPIENT_RULE });
const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, { error: "must be host:port" });
const booleanText = z.enum(["true", "false"]).transform((v) => v === "true");

/**
 * Every stack-config key the program reads (DESIGN §8), by its full name. Values arrive as Pulumi
 * stores them: strings, with objects as JSON text.
 */
const keySchemas = {
  "frostbyte:mode": z.enum(["online", "offline"]),
  "frostbyte:tenants": tenants,
  "frostbyte:controlPlaneDbUrl": url(["postgres:", "postgresql:"]).check((ctx) => {
    const problem = URL.canParse(ctx.value) ? controlPlaneTimeoutProblem(new URL(ctx.value)) : undefined;
    if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  }),
  "frostbyte:qdrant": z.strictObject({ url: url(["http:", "https:"]), apiKey: nonEmpty }),
  "frostbyte:redis": z.strictObject({ url: url(["redis:", "rediss:"]), adminUser: nonEmpty, adminPassword: nonEmpty }),
  "frostbyte:operatorAgeRecipients": z.array(ageRecipient).min(1, { error: "must list at least one age recipient" }),
  "frostbyte:offline": offlineConfigSchema,
  "hcloud:token": z.string().regex(/^[A-Za-z0-9]{64}$/, { error: "must be a 64-character Hetzner API token" }),
  "hcloud:endpoint": url(["http:", "https:"]),
  "minio:minioServer": hostPort,
  "minio:minioUser": nonEmpty,
  "minio:minioPassword": nonEmpty,
  "minio:minioSsl": booleanText,
  "minio:minioRegion": nonEmpty,
  "postgresql:host": nonEmpty,
  "postgresql:port": z.coerce.number().int().min(1).max(65535),
  "postgresql:username": nonEmpty,
  "postgresql:password": nonEmpty,
  "postgresql:sslmode": z.enum(["disable", "require", "verify-ca", "verify-full"]),
  "postgresql:superuser": booleanText,
} as const;

type KeySchemas = typeof keySchemas;
export type FullKey = keyof KeySchemas;
export type Parsed<K extends FullKey> = z.output<KeySchemas[K]>;

/** Keys whose values are objects or lists, stored by Pulumi as JSON text. */
const JSON_KEYS: ReadonlySet<FullKey> = new Set([
  "frostbyte:tenants",
  "frostbyte:qdrant",
  "frostbyte:redis",
  "frostbyte:operatorAgeRecipients",
  "frostbyte:offline",
]);

/** Stack-config keys that hold secrets: always marked secret when they leave validation. */
export const SECRET_CONFIG_KEYS: readonly string[] = [
  "frostbyte:controlPlaneDbUrl",
  "frostbyte:qdrant",
  "frostbyte:redis",
  "hcloud:token",
  "minio:minioPassword",
  "postgresql:password",
];

/** One configured tenant. */
export interface TenantEntry {
  readonly id: string;
  readonly config: TenantConfig;
  readonly suspended: boolean;
  /** The credential rotation token (`initial` until the first rotation). */
  readonly rotation: string;
}

/** The validated stack configuration; everything the program needs, typed. */
export interface StackConfig {
  readonly mode: Mode;
  readonly tenants: readonly TenantEntry[];
  readonly controlPlaneDbUrl: string;
  readonly qdrant: { readonly url: string; readonly apiKey: string };
  readonly redis: { readonly url: string; readonly adminUser: string; readonly adminPassword: string };
  readonly operatorAgeRecipients: readonly string[];
  /** Present in online mode only. */
  readonly hcloud?: { readonly token: string; readonly endpoint?: string };
  /** Present in offline mode only: the Docker host the store platform runs on (`frostbyte:offline`). */
  readonly offline?: OfflineConfig;
  readonly minio: { readonly server: string; readonly user: string; readonly password: string; readonly ssl: boolean; readonly region: string };
  readonly postgres: {
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly password: string;
    readonly sslmode: "disable" | "require" | "verify-ca" | "verify-full";
    readonly superuser: boolean;
  };
}

/** Reads one raw stack-config value by its full key (`namespace:key`), or undefined when unset. */
export type RawConfigReader = (fullKey: string) => string | undefined;

/**
 * Reads and validates one stack-config key (`fallback` when it is unset or empty), adding what is
 * wrong to `problems`. The program's parse below and the dynamic providers' reader
 * (components/providerRuntime/adminSettings.ts) both read every key through it.
 */
export function readConfigValue<K extends FullKey>(read: RawConfigReader, problems: ConfigProblem[], key: K, required: boolean, fallback?: Parsed<K>): Parsed<K> | undefined {
  const raw = read(key);
  if (raw === undefined || raw === "") {
    if (fallback !== undefined) return fallback;
    if (required) problems.push({ path: key, message: "is required but not set" });
    return undefined;
  }
  let candidate: unknown = raw;
  if (JSON_KEYS.has(key)) {
    try {
      candidate = JSON.parse(raw);
    } catch {
      problems.push({ path: key, message: "is not valid JSON (set it with pulumi config set --path or as a YAML object)" });
      return undefined;
    }
  }
  const result = keySchemas[key].safeParse(candidate);
  if (!result.success) {
    problems.push(...problemsFromZod(key, result.error));
    return undefined;
  }
  return result.data as Parsed<K>;
}

/**
 * Validates the whole stack configuration (DESIGN §8) and fills in defaults. Every problem is
 * collected and reported at once, each naming its key and path; secret values are never quoted.
 */
export function parseStackConfig(read: RawConfigReader): StackConfig {
  const problems: ConfigProblem[] = [];
  const value = <K extends FullKey>(key: K, required: boolean, fallback?: Parsed<K>) => readConfigValue(read, problems, key, required, fallback);

  const mode = value("frostbyte:mode", false, "online") ?? "online";
  const online = mode === "online";
  const parsed = {
    tenants: value("frostbyte:tenants", true),
    controlPlaneDbUrl: value("frostbyte:controlPlaneDbUrl", true),
    qdrant: value("frostbyte:qdrant", true),
    redis: value("frostbyte:redis", true),
    operatorAgeRecipients: value("frostbyte:operatorAgeRecipients", true),
    hcloudToken: value("hcloud:token", online),
    hcloudEndpoint: value("hcloud:endpoint", false),
    minioServer: value("minio:minioServer", true),
    minioUser: value("minio:minioUser", true),
    minioPassword: value("minio:minioPassword", true),
    minioSsl: value("minio:minioSsl", false, false),
    minioRegion: value("minio:minioRegion", false, "us-east-1"),
    pgHost: value("postgresql:host", true),
    pgPort: value("postgresql:port", false, 5432),
    pgUser: value("postgresql:username", true),
    pgPassword: value("postgresql:password", true),
    // The offline containers serve no TLS (offlineStoreProblems), so offline mode defaults to none.
    pgSslmode: value("postgresql:sslmode", false, online ? "require" : "disable"),
    pgSuperuser: value("postgresql:superuser", false, false),
    offline: online ? undefined : value("frostbyte:offline", true),
  };
  if (!online && read("hcloud:token")) {
    problems.push({ path: "hcloud:token", message: "is set but frostbyte:mode is offline, which creates no Hetzner resources" });
  }
  if (online && read("frostbyte:offline")) {
    problems.push({ path: "frostbyte:offline", message: "is set but frostbyte:mode is online; it configures the offline store platform only" });
  }
  if (parsed.offline) {
    problems.push(
      ...offlineStoreProblems(parsed.offline, {
        qdrantUrl: parsed.qdrant?.url,
        redisUrl: parsed.redis?.url,
        redisAdminUser: parsed.redis?.adminUser,
        minioServer: parsed.minioServer,
        minioSsl: parsed.minioSsl,
        minioUser: parsed.minioUser,
        minioPassword: parsed.minioPassword,
        postgresHost: parsed.pgHost,
        postgresPort: parsed.pgPort,
        postgresSslmode: parsed.pgSslmode,
      }),
    );
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);

  const p = parsed as { [K in keyof typeof parsed]: NonNullable<(typeof parsed)[K]> };
  return {
    mode,
    tenants: p.tenants,
    controlPlaneDbUrl: p.controlPlaneDbUrl,
    qdrant: p.qdrant,
    redis: p.redis,
    operatorAgeRecipients: p.operatorAgeRecipients,
    ...(online ? { hcloud: { token: p.hcloudToken, ...(parsed.hcloudEndpoint ? { endpoint: parsed.hcloudEndpoint } : {}) } } : { offline: p.offline }),
    minio: { server: p.minioServer, user: p.minioUser, password: p.minioPassword, ssl: p.minioSsl, region: p.minioRegion },
    postgres: {
      host: p.pgHost,
      port: p.pgPort,
      username: p.pgUser,
      password: p.pgPassword,
      sslmode: p.pgSslmode,
      superuser: p.pgSuperuser,
    },
  };
}
