import { z } from "zod";
import { DEFAULT_STORE_RESOURCES, OFFLINE_STORES, offlineStoreAddresses, STORE_PORTS, storeVolumeName, type OfflineStore } from "./stores";
import type { ConfigProblem } from "../config/errors";

/** Address blocks a store may be published on: private (RFC 1918), shared (RFC 6598) and loopback. */
const BIND_BLOCKS: ReadonlyArray<readonly [string, number, number]> = [
  ["10.0.0.0/8", 0x0a000000, 8],
  ["172.16.0.0/12", 0xac100000, 12],
  ["192.168.0.0/16", 0xc0a80000, 16],
  ["100.64.0.0/10", 0x64400000, 10],
  ["127.0.0.0/8", 0x7f000000, 8],
];

/** Why an address may not carry the stores' published ports, or undefined when it may. */
export function bindAddressProblem(address: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  const octets = match?.slice(1).map(Number);
  if (!match || !octets || octets.some((o) => o > 255) || match.slice(1).some((o) => o.length > 1 && o.startsWith("0"))) {
    return "must be an IPv4 address such as 10.0.0.5";
  }
  if (address === "0.0.0.0") return "must not be 0.0.0.0, which publishes the stores on every interface of the Docker host";
  const value = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const inBlock = BIND_BLOCKS.some(([, base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
  if (!inBlock) {
    return `must be a private or loopback address of the Docker host (${BIND_BLOCKS.map(([cidr]) => cidr).join(", ")}); stores are never published on a public address`;
  }
  return undefined;
}

/** Why a Docker daemon address is unusable, or undefined when it is usable. */
export function dockerHostProblem(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return "must be a Docker daemon address: ssh://user@host, unix:///path/to/docker.sock or tcp://host:port";
  }
  switch (url.protocol) {
    case "unix:":
      return url.hostname === "" && url.pathname.startsWith("/") && url.pathname.length > 1 ? undefined : "must be unix:///absolute/path/to/docker.sock";
    case "ssh:":
      return url.hostname !== "" && url.pathname.replace(/\/$/, "") === "" ? undefined : "must be ssh://user@host or ssh://user@host:port";
    case "tcp:":
      return url.hostname !== "" && url.port !== "" && url.pathname.replace(/\/$/, "") === "" ? undefined : "must be tcp://host:port";
    default:
      return "must use the scheme ssh://, unix:// or tcp://";
  }
}

/** The parts of an image reference: registry host, repository path, tag, digest. */
const IMAGE_REFERENCE =
  /^(?<registry>[a-zA-Z0-9.-]+(?::\d{1,5})?)\/(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Why an image reference is not a pinned image of the site's registry, or undefined when it is. */
export function imageReferenceProblem(reference: string): string | undefined {
  const parts = IMAGE_REFERENCE.exec(reference)?.groups;
  const registry = parts?.["registry"];
  if (!parts || !registry || !(registry.includes(".") || registry.includes(":") || registry.startsWith("localhost"))) {
    return "must name an image in the site's registry, e.g. registry.internal:5000/library/postgres:17.5 (the first part is a registry host with a dot or a port)";
  }
  const tag = parts["tag"];
  if (parts["digest"] === undefined && (tag === undefined || tag === "latest")) {
    return "must be pinned by a version tag (not latest) or by a digest (@sha256:…)";
  }
  return undefined;
}

const checked = (problemOf: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

const port = z.int().min(1).max(65535);
const volumeName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}$/, { error: "must be a Docker volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)" });

/** One entry per store, each with its own default. */
function perStore<T extends z.ZodType>(entry: (store: OfflineStore) => T) {
  return z.strictObject({ postgres: entry("postgres"), redis: entry("redis"), minio: entry("minio"), qdrant: entry("qdrant") });
}

/** Reports stores that share a value that must be theirs alone (a port, a volume). */
function distinctPerStore(what: string) {
  return (values: Record<OfflineStore, string | number>, ctx: z.RefinementCtx) => {
    const owner = new Map<string | number, OfflineStore>();
    for (const store of OFFLINE_STORES) {
      const first = owner.get(values[store]);
      if (first) ctx.addIssue({ code: "custom", path: [store], message: `${what} ${String(values[store])} is already ${first}'s` });
      else owner.set(values[store], store);
    }
  };
}

/**
 * `frostbyte:offline` (an addition to DESIGN §8): where and how the store platform runs in offline
 * mode. Required in offline mode, refused in online mode.
 */
export const offlineConfigSchema = z
  .strictObject({
    /** The Docker daemon the platform is created on. */
    dockerHost: checked(dockerHostProblem),
    /** For tcp:// only: a directory holding ca.pem, cert.pem and key.pem for mutual TLS. */
    tlsCertPath: z.string().min(1, { error: "must not be empty" }).optional(),
    /** The Docker host's private address the engine host reaches the stores on. */
    bindAddress: checked(bindAddressProblem),
    /** Pinned images from the site's registry: one per store, and the port proxy's (HAProxy). */
    images: z.strictObject({
      postgres: checked(imageReferenceProblem),
      redis: checked(imageReferenceProblem),
      minio: checked(imageReferenceProblem),
      qdrant: checked(imageReferenceProblem),
      portProxy: checked(imageReferenceProblem),
    }),
    /** Host ports published on the bind address. */
    ports: perStore((store) => port.default(STORE_PORTS[store]))
      .superRefine(distinctPerStore("port"))
      .prefault({}),
    /** Container limits: memory in MiB (no swap on top) and CPUs (tenths allowed). */
    resources: perStore((store) =>
      z
        .strictObject({
          memoryMb: z.int().min(128).max(1_048_576).default(DEFAULT_STORE_RESOURCES[store].memoryMb),
          cpus: z
            .number()
            .positive()
            .max(1024)
            .refine((cpus) => Math.abs(cpus * 10 - Math.round(cpus * 10)) < 1e-9, { error: "must have at most one decimal place, e.g. 1.5" })
            .default(DEFAULT_STORE_RESOURCES[store].cpus),
        })
        .prefault({}),
    ).prefault({}),
    /** Named volumes holding each store's data; defaults to `frostbyte-{store}-data`. */
    volumes: perStore((store) => volumeName.default(storeVolumeName(store)))
      .superRefine(distinctPerStore("volume"))
      .prefault({}),
  })
  .superRefine((offline, ctx) => {
    const tcp = offline.dockerHost.startsWith("tcp://");
    if (tcp && offline.tlsCertPath === undefined) {
      ctx.addIssue({ code: "custom", path: ["tlsCertPath"], message: "is required with a tcp:// dockerHost: an unauthenticated Docker API is root on the host" });
    }
    if (!tcp && offline.tlsCertPath !== undefined) {
      ctx.addIssue({ code: "custom", path: ["tlsCertPath"], message: "applies to a tcp:// dockerHost only" });
    }
  });

/** The validated `frostbyte:offline`, every default filled in. */
export type OfflineConfig = z.output<typeof offlineConfigSchema>;
/** What a stack may write under `frostbyte:offline`. */
export type OfflineConfigInput = z.input<typeof offlineConfigSchema>;

/** The store settings of the rest of the stack config that must agree with the offline platform. */
export interface OfflineStoreSettings {
  /** `frostbyte:qdrant.url` */
  readonly qdrantUrl?: string;
  /** `frostbyte:redis.url` */
  readonly redisUrl?: string;
  /** `frostbyte:redis.adminUser` */
  readonly redisAdminUser?: string;
  /** `minio:minioServer` (host:port) */
  readonly minioServer?: string;
  /** `minio:minioSsl` */
  readonly minioSsl?: boolean;
  /** `minio:minioUser`, MinIO's root user in offline mode */
  readonly minioUser?: string;
  /** `minio:minioPassword`; checked for length only, never quoted */
  readonly minioPassword?: string;
  /** `postgresql:host` */
  readonly postgresHost?: string;
  /** `postgresql:port` */
  readonly postgresPort?: number;
  /** `postgresql:sslmode` */
  readonly postgresSslmode?: string;
}

/** The port a URL names, or its scheme's default. */
function urlPort(url: URL, fallback: number): number {
  return url.port === "" ? fallback : Number(url.port);
}

/**
 * In offline mode the providers reach the stores through the addresses and admin credentials in
 * the rest of the stack config, so those must be the platform's: every store at
 * `bindAddress:<published port>`, without TLS (the containers serve none), with credentials the
 * images accept. A setting left undefined (already reported as malformed) is not checked again.
 */
export function offlineStoreProblems(offline: OfflineConfig, settings: OfflineStoreSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = offlineStoreAddresses(offline);
  const where = (store: OfflineStore) => `frostbyte:offline.bindAddress and ports.${store}`;

  if (settings.qdrantUrl !== undefined) {
    const url = new URL(settings.qdrantUrl);
    const expected = `http://${at.qdrant.host}:${at.qdrant.port}`;
    if (url.protocol !== "http:" || url.hostname !== at.qdrant.host || urlPort(url, 80) !== at.qdrant.port) {
      problems.push({ path: "frostbyte:qdrant.url", message: `in offline mode must be ${expected} (${where("qdrant")}; the container serves no TLS)` });
    }
  }
  if (settings.redisUrl !== undefined) {
    const url = new URL(settings.redisUrl);
    const expected = `redis://${at.redis.host}:${at.redis.port}`;
    if (url.protocol !== "redis:" || url.hostname !== at.redis.host || urlPort(url, 6379) !== at.redis.port) {
      problems.push({ path: "frostbyte:redis.url", message: `in offline mode must be ${expected} (${where("redis")}; the container serves no TLS)` });
    }
  }
  if (settings.redisAdminUser !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(settings.redisAdminUser)) {
    problems.push({ path: "frostbyte:redis.adminUser", message: "in offline mode must be a Redis ACL user name of letters, digits and _.@- (it is written to the container's ACL file)" });
  }
  if (settings.minioServer !== undefined && settings.minioServer !== `${at.minio.host}:${at.minio.port}`) {
    problems.push({ path: "minio:minioServer", message: `in offline mode must be ${at.minio.host}:${at.minio.port} (${where("minio")})` });
  }
  if (settings.minioSsl === true) {
    problems.push({ path: "minio:minioSsl", message: "must be false in offline mode: the MinIO container serves no TLS" });
  }
  if (settings.minioUser !== undefined && settings.minioUser.length < 3) {
    problems.push({ path: "minio:minioUser", message: "must have at least 3 characters in offline mode: MinIO refuses a shorter root user" });
  }
  if (settings.minioPassword !== undefined && settings.minioPassword.length < 8) {
    problems.push({ path: "minio:minioPassword", message: "must have at least 8 characters in offline mode: MinIO refuses a shorter root password" });
  }
  if (settings.postgresHost !== undefined && settings.postgresHost !== at.postgres.host) {
    problems.push({ path: "postgresql:host", message: `in offline mode must be ${at.postgres.host} (frostbyte:offline.bindAddress)` });
  }
  if (settings.postgresPort !== undefined && settings.postgresPort !== at.postgres.port) {
    problems.push({ path: "postgresql:port", message: `in offline mode must be ${at.postgres.port} (frostbyte:offline.ports.postgres)` });
  }
  if (settings.postgresSslmode !== undefined && settings.postgresSslmode !== "disable") {
    problems.push({ path: "postgresql:sslmode", message: "must be disable in offline mode: the PostgreSQL container serves no TLS" });
  }
  return problems;
}
