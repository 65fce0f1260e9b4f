import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort } from "./freePort";

/** A real redis-server (Debian package) on a random loopback port, with a temp dir, for one test file. */
export interface RedisServer {
  readonly port: number;
  /** URL without credentials; the admin is `default` with `adminPassword`. */
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  /** Freezes the server (SIGSTOP): it keeps its port but answers nothing, as a hung store would. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  stop(): Promise<void>;
}

async function waitForPing(url: string, password: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = createClient({ url, password, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch {
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("redis-server did not answer within 15 s");
}

/** With `aclFile`, users live in `<dir>/users.acl` (as on the offline store platform) instead of `requirepass`. */
export async function startRedis(options: { aclFile?: boolean } = {}): Promise<RedisServer & { readonly aclFilePath?: string }> {
  const dir = await mkdtemp(join(tmpdir(), "frostbyte-redis-"));
  const port = await freePort();
  const adminPassword = randomBytes(16).toString("hex");
  const aclFilePath = options.aclFile ? join(dir, "users.acl") : undefined;
  if (aclFilePath) await writeFile(aclFilePath, `user default on >${adminPassword} ~* &* +@all\n`, { mode: 0o600 });
  // The password is in a file, never on redis-server's command line (readable in /proc/*/cmdline).
  const configFile = join(dir, "redis.conf");
  await writeFile(configFile, aclFilePath ? `aclfile ${aclFilePath}\n` : `requirepass ${adminPassword}\n`, { mode: 0o600 });
  const child = spawn(
    "redis-server",
    [configFile, "--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, adminPassword, child);
  return {
    ...(aclFilePath ? { aclFilePath } : {}),
    port,
    url,
    adminUser: "default",
    adminPassword,
    freeze: () => void child.kill("SIGSTOP"),
    thaw: () => void child.kill("SIGCONT"),
    async stop() {
      child.kill("SIGCONT");
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
