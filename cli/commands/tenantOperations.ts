/**
 * `frostbyte tenant rotate|suspend|resume <id>`: one operation on a tenant, enqueued on the control
 * plane's job queue like the portal's (a `frostbyte worker` runs it) and followed here to its end.
 * The tenant's state is checked first, before anything is touched; a tenant with an operation queued
 * or running is refused at once; the stack's own write-back records what happened
 * (TENANT_SUSPENDED, TENANT_RESUMED, TENANT_CREDENTIALS_ROTATED), and the command checks that it did.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type pg from "pg";
import { assertTenantId, operationAllowed, tenantNames, TenantStateConflictError, type TenantOperationKind, type TenantState } from "../../domain";
import { enqueueOperation, getOperation, listProgress, OperationInProgressError, openJobQueue, TenantRegistry, type AuditEvent, type Operation, type Tenant } from "../../controlplane";
import { beginCredentialRotation, type ProgressEvent } from "../../stacks";
import { controlDbUrl, withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { cliActor } from "./tenantCreate";

/** The operations of this file; which states allow each is domain/stateOperations.ts's to say. */
export type TenantOperation = Extract<TenantOperationKind, "rotate" | "suspend" | "resume">;

/** How often the command reads its operation back. */
const FOLLOW_MS = 500;

/** Refuses an operation the tenant's state does not allow, naming both. */
export function assertOperationState(tenant: Tenant, operation: TenantOperation): void {
  if (!operationAllowed(tenant.state, operation)) throw new CliError(new TenantStateConflictError(tenant.tenantId, tenant.state, operation).message);
}

/** One progress event as a short line (what happens to which resource, then the engine's summary), or nothing. */
function progressLine(event: ProgressEvent): string | undefined {
  if (event.type === "resource-finished" || event.type === "resource-failed") {
    const name = event.urn.slice(event.urn.lastIndexOf("::") + 2);
    return `  ${event.op}${event.type === "resource-failed" ? " failed" : ""}  ${event.resourceType}  ${name}\n`;
  }
  if (event.type === "summary") {
    const changes = Object.entries(event.resourceChanges).map(([op, count]) => `${op} ${count}`).join(", ");
    return `  ${event.result} in ${Math.round(event.durationSeconds)} s: ${changes}\n`;
  }
  return undefined;
}

/** Prints the operation's progress as workers store it, until it has ended; returns it as it ended. */
async function follow(io: CliIo, pool: pg.Pool, operation: Operation): Promise<Operation> {
  let after = 0;
  for (;;) {
    const current = (await getOperation(pool, operation.operationId)) ?? operation;
    for (const progress of await listProgress(pool, operation.operationId, after)) {
      after = progress.seq;
      const line = progressLine(progress.event as ProgressEvent);
      if (line) io.stdout(line);
    }
    if (current.state === "succeeded" || current.state === "failed") return current;
    await sleep(FOLLOW_MS);
  }
}

/**
 * Checks the id and the tenant's state (before anything is touched), enqueues the operation (with
 * `prepare`, the registry change it stands for, made while the tenant is claimed) and follows it.
 */
async function runTenantOperation(
  io: CliIo,
  tenantId: string,
  operation: TenantOperation,
  prepare: (registry: TenantRegistry, tenant: Tenant) => Promise<void>,
  check: (registry: TenantRegistry, ended: Operation) => Promise<void>,
): Promise<void> {
  const id = assertTenantId(tenantId);
  const url = controlDbUrl(io);
  await withPool(io, async (pool) => {
    const registry = new TenantRegistry(pool);
    assertOperationState(await registry.getTenant(id), operation);
    const queue = await openJobQueue(url, { kind: "producer" });
    let enqueued: Operation;
    try {
      enqueued = await enqueueOperation(pool, queue, { tenantId: id, kind: operation, actor: cliActor(io) }, async () => {
        const tenant = await registry.getTenant(id);
        assertOperationState(tenant, operation);
        await prepare(registry, tenant);
      });
    } catch (error) {
      if (error instanceof OperationInProgressError) throw new CliError(error.message);
      throw error;
    } finally {
      await queue.stop({ graceful: false });
    }
    io.stdout(`tenant "${id}": ${operation} ${enqueued.operationId} enqueued; a frostbyte worker runs it\n`);
    await check(registry, await follow(io, pool, enqueued));
  });
}

/** The tenant's latest TENANT_CREDENTIALS_ROTATED event, if any. */
async function latestRotationEvent(registry: TenantRegistry, tenantId: string): Promise<AuditEvent | undefined> {
  const events = await registry.listEvents(tenantId);
  return events.filter((event) => event.eventType === "TENANT_CREDENTIALS_ROTATED").at(-1);
}

/**
 * Rotates every credential of an ACTIVE tenant: records the next rotation token in the registry,
 * then `up` with it (on a worker). The stack regenerates the MinIO secret key, the PostgreSQL and
 * Redis passwords and the tenant's age key, re-encrypts the secrets file, updates every store,
 * verifies isolation with the new credentials, and records TENANT_CREDENTIALS_ROTATED.
 */
export async function tenantRotate(io: CliIo, tenantId: string): Promise<void> {
  let rotation = "";
  let previous = "";
  await runTenantOperation(
    io,
    tenantId,
    "rotate",
    async (registry, tenant) => {
      ({ previous, rotation } = await beginCredentialRotation(registry, tenant, cliActor(io)));
      io.stdout(`tenant "${tenant.tenantId}": rotating credentials (${previous} -> ${rotation})\n`);
    },
    async (registry, ended) => {
      const id = ended.tenantId;
      if (ended.state === "failed") {
        throw new CliError(
          `rotation ${rotation} of tenant "${id}" failed: ${ended.error ?? "unknown error"} (the token stays recorded: the next deployment of the tenant applies it; frostbyte tenant rotate ${id} rotates again)`,
        );
      }
      const after = await registry.getTenant(id);
      const event = await latestRotationEvent(registry, id);
      if (after.credentialRotation !== rotation || event?.details["rotation"] !== rotation) {
        throw new CliError(`tenant "${id}": the update succeeded but the stack recorded no TENANT_CREDENTIALS_ROTATED for ${rotation}; is the workers' program (bin/) built from this version?`);
      }
      const names = tenantNames(id);
      io.stdout(
        `tenant "${id}": credentials rotated (${previous} -> ${rotation}): MinIO secret key of ${names.minio.user}, PostgreSQL password of ${names.postgres.role}, ` +
          `Redis password of ${names.redis.user}, age key; ${names.secretsFile} re-encrypted; TENANT_CREDENTIALS_ROTATED ${event.eventId}\n`,
      );
    },
  );
}

/** Suspends an ACTIVE tenant (every credential disabled, data kept) or resumes a SUSPENDED one. */
async function tenantSuspension(io: CliIo, tenantId: string, operation: "suspend" | "resume"): Promise<void> {
  const suspended = operation === "suspend";
  await runTenantOperation(
    io,
    tenantId,
    operation,
    async (_registry, tenant) => {
      io.stdout(`tenant "${tenant.tenantId}": ${suspended ? "suspending" : "resuming"}\n`);
    },
    async (registry, ended) => {
      const id = ended.tenantId;
      if (ended.state === "failed") throw new CliError(`${operation} of tenant "${id}" failed: ${ended.error ?? "unknown error"}`);
      const wanted: TenantState = suspended ? "SUSPENDED" : "ACTIVE";
      const after = await registry.getTenant(id);
      if (after.state !== wanted) throw new CliError(`tenant "${id}": the update succeeded but the tenant is ${after.state}, not ${wanted}`);
      io.stdout(
        suspended
          ? `tenant "${id}" is SUSPENDED: MinIO user disabled, PostgreSQL role NOLOGIN, Redis user off, Qdrant token grant suspended, firewall closed; data kept\n`
          : `tenant "${id}" is ACTIVE: every credential works again\n`,
      );
    },
  );
}

export const tenantSuspend = (io: CliIo, tenantId: string) => tenantSuspension(io, tenantId, "suspend");
export const tenantResume = (io: CliIo, tenantId: string) => tenantSuspension(io, tenantId, "resume");

/** Registers `rotate`, `suspend` and `resume` under the `tenant` command group. */
export function registerTenantOperations(tenant: Command, io: CliIo): void {
  tenant
    .command("rotate")
    .description("rotate every credential of an ACTIVE tenant (MinIO, PostgreSQL, Redis, age key) and re-encrypt its secrets file; a frostbyte worker runs it")
    .argument("<id>", "tenant id")
    .action((id: string) => tenantRotate(io, id));
  tenant
    .command("suspend")
    .description("suspend an ACTIVE tenant: every credential disabled, data kept; a frostbyte worker runs it")
    .argument("<id>", "tenant id")
    .action((id: string) => tenantSuspend(io, id));
  tenant
    .command("resume")
    .description("resume a SUSPENDED tenant: every credential enabled again; a frostbyte worker runs it")
    .argument("<id>", "tenant id")
    .action((id: string) => tenantResume(io, id));
}
