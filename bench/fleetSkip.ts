#!/usr/bin/env node
/**
 * `fleet preview` of a large registry through the skip (issue #15): 1,000 ACTIVE tenants, each with
 * the applied deployment a worker records after a successful up, of which 10 then had their config
 * changed in the registry. Measures what `frostbyte fleet preview` does before any engine runs: the
 * program build id (once per process), the decision (registry, active operations, applied
 * deployments, one fingerprint per tenant) and enqueueing the tenants that must run; no worker
 * runs them. Checks that exactly the changed tenants are enqueued.
 *
 * `measureFleetSkip` is what `npm run bench:workers` calls; run alone after `npm run build`:
 * `node bin/bench/fleetSkip.js [--tenants 1000] [--changed 10]`. A temporary PostgreSQL server
 * holds the control plane; nothing is written into the repository.
 */
import { hostname } from "node:os";
import type pg from "pg";
import {
  activeOperations,
  enqueueOperation,
  insertOperation,
  markRunning,
  markSucceeded,
  openJobQueue,
  recordAppliedDeployment,
  registerWorker,
  TenantRegistry,
} from "../controlplane";
import { splitUnchanged } from "../fleet";
import { findProjectDir, type BaseConfig } from "../stacks";
import { tenantFingerprints } from "../stacks/appliedDeployments";
import { programBuildId } from "../stacks/programBuild";
import { testBaseConfig } from "../test/stacks/support/baseConfig";
import { createControlPlaneDatabase } from "../test/support/controlPlaneDb";
import { startPostgres } from "../test/support/postgresServer";
import { seconds as secs, table, timed } from "./stats";

/** What one measurement gives. */
export interface FleetSkipFigures {
  readonly tenants: number;
  readonly changed: number;
  /** The program build id, computed cold (once per process). */
  readonly buildIdMs: number;
  /** Registry, active operations, applied deployments and fingerprints: which tenants must run. */
  readonly decideMs: number;
  /** Tenants reported unchanged without running. */
  readonly unchanged: number;
  /** Tenants enqueued (one operation and job each). */
  readonly enqueued: number;
  readonly enqueueMs: number;
}

/** The control plane a measurement runs on: a migrated database as the runtime role. */
export interface SkipControlPlane {
  readonly pool: pg.Pool;
  readonly runtimeUrl: string;
}

const BATCH = 20;
const ACTOR = "bench-fleet-skip";

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let at = 0; at < items.length; at += BATCH) await Promise.all(items.slice(at, at + BATCH).map(work));
}

/**
 * Registers `tenants` ACTIVE tenants with an applied deployment each (as a worker records it after
 * an up), changes the config of the first `changed`, then measures the fleet preview's decision and
 * enqueues what it must run. The control plane should be empty of tenants.
 */
export async function measureFleetSkip(control: SkipControlPlane, base: BaseConfig, projectDir: string, options: { readonly tenants?: number; readonly changed?: number } = {}): Promise<FleetSkipFigures> {
  const count = options.tenants ?? 1000;
  const changedCount = options.changed ?? 10;
  const { pool } = control;
  const registry = new TenantRegistry(pool);
  const ids = Array.from({ length: count }, (_, i) => `skip-${String(i + 1).padStart(4, "0")}`);
  const buildIdMs = await timed(() => programBuildId(projectDir));
  const fingerprints = await tenantFingerprints(base, projectDir);
  const workerId = `${ACTOR}:${process.pid}`;
  await registerWorker(pool, { workerId, host: hostname(), pid: process.pid, stateBackend: "file:///bench-fleet-skip" }, 3600);
  await inBatches(ids, async (tenantId) => {
    await registry.createTenant(tenantId, { actor: ACTOR });
    await registry.transition(tenantId, "PROVISIONING", { actor: ACTOR });
    const tenant = (await registry.transition(tenantId, "ACTIVE", { actor: ACTOR })).tenant;
    const operation = await insertOperation(pool, { tenantId, kind: "up", actor: ACTOR });
    await markRunning(pool, operation.operationId, workerId, 1);
    await recordAppliedDeployment(pool, { tenantId, operationId: operation.operationId, fingerprint: fingerprints.ofTenant(tenant) });
    await markSucceeded(pool, operation.operationId, { tenantState: "ACTIVE" }, workerId);
  });
  const changedIds = ids.slice(0, changedCount);
  for (const tenantId of changedIds) await registry.updateConfig(tenantId, { quotas: { db_connections: 11 } }, { actor: ACTOR });

  let split!: Awaited<ReturnType<typeof splitUnchanged>>;
  const decideMs = await timed(async () => {
    const tenants = await registry.listTenants();
    const busy = new Set((await activeOperations(pool)).map((operation) => operation.tenantId));
    split = await splitUnchanged(pool, base, projectDir, tenants.filter((tenant) => !busy.has(tenant.tenantId)));
  });
  const toRun = split.run.map((tenant) => tenant.tenantId);
  if ([...toRun].sort().join(",") !== changedIds.join(",")) throw new Error(`fleet preview would run ${toRun.length} tenants (${toRun.slice(0, 5).join(", ")}…), not the ${changedIds.length} changed ones`);

  const queue = await openJobQueue(control.runtimeUrl, { kind: "producer" });
  let enqueueMs: number;
  try {
    enqueueMs = await timed(async () => {
      for (const tenantId of toRun) await enqueueOperation(pool, queue, { tenantId, kind: "preview", actor: ACTOR });
    });
  } finally {
    await queue.stop({ graceful: false, close: true });
  }
  return { tenants: count, changed: changedCount, buildIdMs, decideMs, unchanged: split.unchanged.length, enqueued: toRun.length, enqueueMs };
}

/** The figures as a table. */
export function formatFleetSkip(figures: FleetSkipFigures): string {
  return table(
    ["registry tenants", "changed", "build id (cold)", "decide", "unchanged, not run", "enqueued", "enqueue"],
    [[String(figures.tenants), String(figures.changed), secs(figures.buildIdMs), secs(figures.decideMs), String(figures.unchanged), String(figures.enqueued), secs(figures.enqueueMs)]],
  );
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = Number(at > 0 ? process.argv[at + 1] : fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

async function main(): Promise<void> {
  const server = await startPostgres();
  try {
    const db = await createControlPlaneDatabase(server);
    try {
      const figures = await measureFleetSkip(db, testBaseConfig(db.runtimeUrl), findProjectDir(), { tenants: option("tenants", 1000), changed: option("changed", 10) });
      process.stdout.write(`\nfleet preview through the skip (no engine runs; time before the first job)\n${formatFleetSkip(figures)}\n`);
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench fleet skip failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
