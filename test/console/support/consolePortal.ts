/**
 * `frostbyte portal` as an operator runs it (the built CLI, its own process) on the end-to-end
 * suite's local environment: real PostgreSQL, Redis and MinIO, the Hetzner Cloud and Qdrant API test
 * doubles, and the real engine. The console is served from the build's bin/console/assets.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createToken } from "../../../controlplane";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../../e2e/support/localEnvironment";
import { PROJECT_ROOT } from "../../e2e/support/localStack";

const PASSPHRASE = "frostbyte-console-e2e";

export interface ConsolePortal {
  readonly env: LocalEnvironment;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly adminToken: string;
  /** The portal's stdout and stderr so far (shown when a test fails). */
  output(): string;
  /** Stops the portal, the stores and removes the stacks' files; `tenantIds` are the stacks the test made. */
  close(tenantIds: readonly string[]): Promise<void>;
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /frostbyte portal listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the portal exited ${code} before it listened: ${output()}`));
    });
  });
}

export async function startConsolePortal(): Promise<ConsolePortal> {
  const assets = join(PROJECT_ROOT, "bin/console/assets/app.js");
  if (!existsSync(assets)) throw new Error(`${assets} is missing: run npm run build before the console's browser tests`);
  const env = await startLocalEnvironment();
  const dir = await mkdtemp(join(tmpdir(), "frostbyte-console-e2e-"));
  let child: ChildProcess | undefined;
  try {
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    const baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    const adminToken = (await createToken(env.controlPlane.pool, { kind: "admin" })).token;
    child = spawn(process.execPath, [join(PROJECT_ROOT, "bin/cli/main.js"), "portal", "--host", "127.0.0.1", "--port", "0", "--base-config", baseConfigFile], {
      env: { ...process.env, FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const url = await waitForUrl(child, () => output);
    const running = child;
    return {
      env,
      url,
      adminToken,
      output: () => output,
      async close(tenantIds) {
        if (running.exitCode === null) {
          const exited = new Promise((resolve) => running.once("exit", resolve));
          running.kill("SIGTERM");
          await exited;
        }
        await env.stop();
        for (const id of tenantIds) await rm(join(PROJECT_ROOT, `Pulumi.tenant-${id}.yaml`), { force: true });
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child?.kill("SIGKILL");
    await env.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
