#!/usr/bin/env node
/**
 * The local sandbox's long-running process, started detached by `local up`: it starts real
 * PostgreSQL, Redis and MinIO and the Hetzner Cloud and Qdrant API **test doubles** on loopback
 * (the same harness the end-to-end tests use), describes them in the environment file, and stops
 * them all on SIGTERM or SIGINT. It is a developer sandbox, never a production path.
 */
import { rm } from "node:fs/promises";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../test/e2e/support/localEnvironment";
import { writeEnvironmentFile } from "./environmentFile";
import { localPaths } from "./paths";

function services(env: LocalEnvironment): Record<string, string> {
  return {
    postgres: `127.0.0.1:${env.postgres.port} (PostgreSQL ${env.postgres.binDir}, control plane database ${env.controlPlane.name})`,
    redis: env.redis.url,
    minio: env.minio.endpoint,
    qdrant: `${env.qdrant.url} (Qdrant REST API test double)`,
    hcloud: `${env.hcloud.url} (Hetzner Cloud API test double)`,
  };
}

async function main(): Promise<void> {
  const paths = localPaths();
  const env = await startLocalEnvironment();
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${new Date().toISOString()} ${signal}: stopping the local stores and doubles\n`);
    await rm(paths.environmentFile, { force: true });
    await env.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  const { values, secretKeys } = localStackConfig(env, []);
  const { "frostbyte:tenants": _tenants, ...shared } = values;
  await writeEnvironmentFile(paths.environmentFile, {
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
    stackConfig: { values: shared, secretKeys },
    controlPlaneMigratorUrl: env.controlPlane.migratorUrl,
    controlPlaneRuntimeUrl: env.controlPlane.runtimeUrl,
    services: services(env),
  });
  process.stdout.write(`${new Date().toISOString()} ready: ${JSON.stringify(services(env))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`local supervisor failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
