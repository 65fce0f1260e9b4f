import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./freePort";

/** A real MinIO server (built from the Go module proxy by scripts/setup-engine.sh) on loopback, for one test file. */
export interface MinioServer {
  /** host:port of the S3 API. */
  readonly endpoint: string;
  readonly port: number;
  readonly rootUser: string;
  readonly rootPassword: string;
  stop(): Promise<void>;
}

async function waitForLive(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`minio exited with code ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`http://${endpoint}/minio/health/live`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`minio did not become live within 30 s: ${log()}`);
}

export async function startMinio(): Promise<MinioServer> {
  const dir = await mkdtemp(join(tmpdir(), "frostbyte-minio-"));
  const [port, consolePort] = [await freePort(), await freePort()];
  const rootUser = "frostbyte-root";
  const rootPassword = randomBytes(18).toString("hex");
  const endpoint = `127.0.0.1:${port}`;
  const child = spawn("minio", ["server", join(dir, "data"), "--address", endpoint, "--console-address", `127.0.0.1:${consolePort}`, "--quiet"], {
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: dir,
      MINIO_ROOT_USER: rootUser,
      MINIO_ROOT_PASSWORD: rootPassword,
      MINIO_UPDATE: "off",
      MINIO_BROWSER: "off",
      MINIO_CALLHOME_ENABLE: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const collect = (chunk: Buffer) => void (log = (log + chunk.toString("utf8")).slice(-4_000));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.on("error", (error) => void (log += `\n${error.message}`));
  await waitForLive(endpoint, child, () => log);
  return {
    endpoint,
    port,
    rootUser,
    rootPassword,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
