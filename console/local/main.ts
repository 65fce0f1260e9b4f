#!/usr/bin/env node
/**
 * The console on the local sandbox (`bash scripts/local.sh console`): starts the sandbox's stores and API
 * test doubles when they are not running (the supervisor of `bash scripts/local.sh up`), runs
 * `frostbyte portal` and one `frostbyte worker` on them in this process, with tenant stacks of its
 * own under the sandbox directory, and prints the console's address and a new admin token once. Ctrl-C stops the portal
 * and revokes the token; `bash scripts/local.sh down` stops the stores and removes the sandbox.
 */
import { join } from "node:path";
import { createControlPlanePool, createToken, revokeToken } from "../../controlplane";
import { localPaths } from "../../local/paths";
import { localStackEnv } from "../../local/stack";
import { ensureEnvironment } from "../../local/supervisorProcess";
import { startPortal } from "../../portal";
import { DEFAULT_WORKER_SETTINGS } from "../../domain";
import { baseConfigFromValues, PASSPHRASE_ENV, STATE_DIR_ENV, stackSettingsFromEnv } from "../../stacks";
import { jobStacksFactory, startWorker } from "../../worker";

const log = (line: string) => void process.stdout.write(`console: ${line}\n`);

/** Where the console listens: FROSTBYTE_PORTAL_PORT, by default 8080, on loopback only. */
function port(): number {
  const text = process.env["FROSTBYTE_PORTAL_PORT"] ?? "8080";
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new Error(`FROSTBYTE_PORTAL_PORT ${JSON.stringify(text)}: must be 0–65535`);
  return value;
}

async function withPool<T>(url: string, work: (pool: ReturnType<typeof createControlPlanePool>) => Promise<T>): Promise<T> {
  const pool = createControlPlanePool(url, { max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const paths = localPaths();
  const environment = await ensureEnvironment(paths, log);
  const passphrase = (await localStackEnv(paths))[PASSPHRASE_ENV] ?? "";
  const settings = stackSettingsFromEnv({ ...process.env, [PASSPHRASE_ENV]: passphrase, [STATE_DIR_ENV]: join(paths.root, "portal-state") });
  const workerPool = createControlPlanePool(environment.controlPlaneRuntimeUrl, { applicationName: "frostbyte-worker" });
  const quiet = () => undefined;
  const worker = await startWorker({
    controlDbUrl: environment.controlPlaneRuntimeUrl,
    pool: workerPool,
    settings: DEFAULT_WORKER_SETTINGS,
    timeBounds: settings.timeBounds,
    stateBackendUrl: settings.backendUrl,
    stacksForJob: jobStacksFactory(baseConfigFromValues(environment.stackConfig.values), settings),
    log: { error: (details, message) => log(`worker: ${message}`), warn: quiet, info: quiet },
  });
  const portal = await startPortal({ controlDbUrl: environment.controlPlaneRuntimeUrl, host: "127.0.0.1", port: port(), logger: { level: "warn" } });
  const { token, record } = await withPool(environment.controlPlaneRuntimeUrl, (pool) => createToken(pool, { kind: "admin" }));
  log(`open ${portal.url}/ and sign in with this admin token (shown once, revoked when you stop this with Ctrl-C):`);
  process.stdout.write(`\n  ${token}\n\n`);
  log("tenant tokens: FROSTBYTE_CONTROL_DB_URL=… npm run frostbyte -- token create --tenant <id> (the URL is controlPlaneRuntimeUrl in .frostbyte-local/environment.json)");
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log(`${signal}: stopping the portal (the local stores keep running; bash scripts/local.sh down stops them)`);
  await withPool(environment.controlPlaneRuntimeUrl, (pool) => revokeToken(pool, record.tokenId));
  await portal.close();
  await worker.close();
  await workerPool.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`console: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
