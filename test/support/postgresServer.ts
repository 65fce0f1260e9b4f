/**
 * A real PostgreSQL server (Debian package, newest /usr/lib/postgresql/<n>/bin) for one test file:
 * initdb in a temp dir, trust auth, listening only on 127.0.0.1 at a random free port, its unix
 * socket in the temp dir. PostgreSQL refuses to run as root, so under root (CI) initdb and postgres
 * run as the system user `frostbyte-test`, created on first use. stop() kills it and removes the dir.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./freePort";

const run = promisify(execFile);

/** The system user the server runs as when the tests run as root. */
export const POSTGRES_TEST_USER = "frostbyte-test";
/** The bootstrap superuser initdb creates (`initdb -U postgres`). */
export const POSTGRES_SUPERUSER = "postgres";

/** A running test server. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** Directory of the server's binaries (pg_dump, psql, …) of the same version. */
  readonly binDir: string;
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`. */
  readonly superuserUrl: string;
  /** A URL for `database` (default postgres) as `user` (default postgres), with `password` when given. */
  url(database?: string, user?: string, password?: string): string;
  /** Runs SQL as the superuser on a fresh connection to `database` (default postgres). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[], database?: string): Promise<pg.QueryResult<R>>;
  /** Creates a UTF-8 database, owned by `owner` when given. */
  createDatabase(name: string, owner?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Server max_connections (default 200: concurrency tests open many). */
  readonly maxConnections?: number;
  /**
   * When given, only these users log in over TCP without a password (the superuser is always one);
   * every other role must give its scram-sha-256 password, as a production server would ask of
   * tenants. By default every user is trusted.
   */
  readonly trustedUsers?: readonly string[];
}

/** The newest installed server's bin directory, or FROSTBYTE_PG_BIN when set. */
export function postgresBinDir(): string {
  const override = process.env.FROSTBYTE_PG_BIN;
  if (override) return override;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(root, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) throw new Error(`no PostgreSQL server under ${root}/*/bin; run scripts/setup-services.sh`);
  return join(root, versions[0], "bin");
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

function idOf(flag: "-u" | "-g"): number {
  return Number(execFileSync("id", [flag, POSTGRES_TEST_USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
}

/** Under root: the uid/gid of the test user, created when missing (another test file may race us). */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: idOf("-u"), gid: idOf("-g") };
  } catch {
    try {
      execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", POSTGRES_TEST_USER], {
        stdio: "ignore",
      });
    } catch {
      // Created meanwhile by a parallel test file; the lookup below decides.
    }
    try {
      return { uid: idOf("-u"), gid: idOf("-g") };
    } catch (error) {
      throw new Error(`PostgreSQL refuses to run as root and the user ${POSTGRES_TEST_USER} could not be created with useradd`, { cause: error });
    }
  }
}

function urlFor(port: number, database = "postgres", user = POSTGRES_SUPERUSER, password?: string): string {
  const auth = password === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `postgresql://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited early: ${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`postgres did not accept connections within 30 s: ${log()}`);
}

function spawnPostgres(binDir: string, dir: string, port: number, maxConnections: number, runAs: RunAs | undefined): ChildProcess {
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: join(dir, "sock"),
    max_connections: String(maxConnections),
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    log_min_messages: "warning",
  };
  const args = ["-D", join(dir, "data"), "-p", String(port), ...Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`])];
  return spawn(join(binDir, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"], ...(runAs ?? {}) });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT"); // fast shutdown
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts a fresh server; call stop() in afterAll. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  const runAs = runAsUser();
  // Under root the temp dir must be reachable by the test user: /tmp, not a TMPDIR under /root.
  const dir = await mkdtemp(join(runAs ? "/tmp" : tmpdir(), "frostbyte-pg-"));
  await mkdir(join(dir, "sock"));
  if (runAs) {
    await chown(dir, runAs.uid, runAs.gid);
    await chown(join(dir, "sock"), runAs.uid, runAs.gid);
  }
  try {
    await run(join(binDir, "initdb"), ["-D", join(dir, "data"), "-U", POSTGRES_SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], {
      ...(runAs ?? {}),
      env: { ...process.env, LC_ALL: "C" },
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (options.trustedUsers) {
    const trusted = [POSTGRES_SUPERUSER, ...options.trustedUsers].join(",");
    await writeFile(
      join(dir, "data", "pg_hba.conf"),
      `local all all trust\nhost all ${trusted} 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n`,
    );
  }

  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawnPostgres(binDir, dir, port, options.maxConnections ?? 200, runAs);
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-4_000);
    });
    const cleanUpOnExit = () => {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", cleanUpOnExit);
    try {
      await waitUntilReady(urlFor(port), child, () => log);
    } catch (error) {
      process.off("exit", cleanUpOnExit);
      await stopChild(child);
      // The port may have been taken between freePort() and bind(); try another one.
      if (attempt < 3 && /could not bind|Address already in use/i.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw error;
    }

    const query = async <R extends pg.QueryResultRow>(sql: string, values?: unknown[], database?: string) => {
      const client = new pg.Client({ connectionString: urlFor(port, database) });
      await client.connect();
      try {
        return await client.query<R>(sql, values);
      } finally {
        await client.end();
      }
    };
    return {
      host: "127.0.0.1",
      port,
      binDir,
      superuserUrl: urlFor(port),
      url: (database, user, password) => urlFor(port, database, user, password),
      query,
      async createDatabase(name, owner) {
        const ownerClause = owner === undefined ? "" : ` OWNER ${pg.escapeIdentifier(owner)}`;
        await query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${ownerClause} ENCODING 'UTF8' TEMPLATE template0`);
      },
      async stop() {
        process.off("exit", cleanUpOnExit);
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
