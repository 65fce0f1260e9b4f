import { STORE_PORTS } from "../../domain";
import type { StoreContainerSpec } from "./storeContainer";

/** Where the volume is mounted in the container; the ACL file lives there too. */
export const REDIS_DATA_PATH = "/data";
/** The ACL file's name on the data volume: tenant users survive a restart once `ACL SAVE` has written them. */
export const REDIS_ACL_FILE_NAME = "users.acl";

/** Share of the container's memory Redis may use for data before it refuses writes. */
const MAXMEMORY_SHARE = 0.75;

/** What the start script needs; the defaults are the container's, the tests run it elsewhere. */
export interface RedisStartOptions {
  readonly maxmemoryMb: number;
  readonly dataDir?: string;
  readonly port?: number;
  /** Addresses to listen on; unset listens on every interface of the container. */
  readonly bind?: string;
}

/**
 * The shell that starts Redis. On every start it rewrites the admin user's line of the ACL file
 * from the environment (`REDIS_ADMIN_USER`, and the password as its SHA-256, never in clear on
 * disk), disables the `default` user unless it is the admin, keeps every other user's line, drops
 * the password from its own environment and execs redis-server with that ACL file. Plain POSIX sh,
 * awk and sha256sum, which both the Debian and the Alpine images have.
 */
export function redisStartScript(options: RedisStartOptions): string {
  const dir = options.dataDir ?? REDIS_DATA_PATH;
  const acl = `${dir}/${REDIS_ACL_FILE_NAME}`;
  return [
    "set -eu",
    "umask 077",
    `if [ -f '${acl}' ]; then`,
    `  awk -v admin="$REDIS_ADMIN_USER" '!($1 == "user" && ($2 == admin || $2 == "default"))' '${acl}' > '${acl}.next'`,
    "else",
    `  : > '${acl}.next'`,
    "fi",
    `hash=$(printf '%s' "$REDISCLI_AUTH" | sha256sum | cut -d ' ' -f 1)`,
    `printf 'user %s on #%s ~* &* +@all\\n' "$REDIS_ADMIN_USER" "$hash" >> '${acl}.next'`,
    `if [ "$REDIS_ADMIN_USER" != default ]; then printf 'user default off resetkeys resetchannels -@all\\n' >> '${acl}.next'; fi`,
    `mv '${acl}.next' '${acl}'`,
    "unset REDISCLI_AUTH",
    [
      "exec redis-server",
      ...(options.bind !== undefined ? [`--bind ${options.bind}`] : []),
      `--port ${options.port ?? STORE_PORTS.redis}`,
      `--aclfile '${acl}'`,
      "--protected-mode yes",
      `--dir '${dir}'`,
      "--appendonly yes",
      `--maxmemory ${options.maxmemoryMb}mb`,
      "--maxmemory-policy noeviction",
    ].join(" "),
  ].join("\n");
}

/**
 * The health check: `redis-cli` authenticates as the admin with the password from `REDISCLI_AUTH`
 * (never on a command line) and must get PONG; a refused login fails the check.
 */
export function redisHealthCommand(port: number = STORE_PORTS.redis): string[] {
  return ["CMD-SHELL", `redis-cli --no-auth-warning -h 127.0.0.1 -p ${port} --user "$REDIS_ADMIN_USER" ping | grep -qx PONG`];
}

/**
 * The Redis container: ACLs from the start, with the stack's admin user and password
 * (`frostbyte:redis.adminUser`, `.adminPassword`) so the ACL provider's connection matches, and
 * protected mode on. The password travels as `REDISCLI_AUTH`, which is also what lets the health
 * check's `redis-cli` authenticate without a password on its command line. Runs as the image's
 * `redis` user without any capability; data and ACL file are on the volume.
 */
export function redisContainerSpec(admin: { readonly user: string; readonly password: string }, memoryMb: number): StoreContainerSpec {
  const port = STORE_PORTS.redis;
  return {
    store: "redis",
    containerPort: port,
    dataPath: REDIS_DATA_PATH,
    env: { REDIS_ADMIN_USER: admin.user, REDISCLI_AUTH: admin.password },
    entrypoint: ["/bin/sh", "-c", redisStartScript({ maxmemoryMb: Math.floor(memoryMb * MAXMEMORY_SHARE) }), "frostbyte-redis"],
    user: "redis",
    healthcheck: redisHealthCommand(port),
    healthStartPeriod: "20s",
    tmpfs: ["/tmp"],
    capabilities: [],
  };
}
