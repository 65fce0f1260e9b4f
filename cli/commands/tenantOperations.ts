/**
 * `frostbyte tenant rotate|suspend|resume <id>`: drive one tenant's stack (`tenant-{id}`) through
 * the Automation API layer (stacks/), as the portal does, from the registry row. The tenant's state
 * is checked first, before anything is touched; the stack's own write-back records what happened
 * (TENANT_SUSPENDED, TENANT_RESUMED, TENANT_CREDENTIALS_ROTATED), and the command checks that it did.
 */
import type { Command } from "commander";
import type pg from "pg";
import { assertTenantId, operationAllowed, tenantNames, TenantStateConflictError, type TenantOperationKind, type TenantState } from "../../domain";
import { activeOperationOf, TenantRegistry, type AuditEvent, type Tenant } from "../../controlplane";
import { beginCredentialRotation, createTenantStacks, desiredStateFromRegistry, loadBaseConfig, tenantStackName, type OperationHooks, type TenantStacks } from "../../stacks";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";
import { BASE_CONFIG_OPTION, baseConfigPath } from "../baseConfig";
import { cliActor } from "./tenantCreate";

/** The operations of this file; which states allow each is domain/stateOperations.ts's to say. */
export type TenantOperation = Extract<TenantOperationKind, "rotate" | "suspend" | "resume">;

/** Options every operation takes. */
export interface TenantOperationOptions {
  /** The shared stack config file (`--base-config`), else FROSTBYTE_PORTAL_BASE_CONFIG. */
  readonly baseConfig?: string;
}

/** Refuses an operation the tenant's state does not allow, naming both. */
export function assertOperationState(tenant: Tenant, operation: TenantOperation): void {
  if (!operationAllowed(tenant.state, operation)) throw new CliError(new TenantStateConflictError(tenant.tenantId, tenant.state, operation).message);
}

/** Refuses while the portal has an operation queued or running on the tenant (it would hold the stack). */
async function assertNoPortalOperation(pool: pg.Pool, tenantId: string): Promise<void> {
  const active = await activeOperationOf(pool, tenantId);
  if (active) throw new CliError(`tenant "${tenantId}" has a portal operation in progress (${active.kind} ${active.operationId}); try again when it has finished`);
}

/** Engine progress as short lines on stdout: what happens to which resource, then the engine's summary. */
function progressHooks(io: CliIo): OperationHooks {
  return {
    onProgress: (event) => {
      if (event.type === "resource-finished" || event.type === "resource-failed") {
        const name = event.urn.slice(event.urn.lastIndexOf("::") + 2);
        io.stdout(`  ${event.op}${event.type === "resource-failed" ? " failed" : ""}  ${event.resourceType}  ${name}\n`);
      } else if (event.type === "summary") {
        const changes = Object.entries(event.resourceChanges).map(([op, count]) => `${op} ${count}`).join(", ");
        io.stdout(`  ${event.result} in ${Math.round(event.durationSeconds)} s: ${changes}\n`);
      }
    },
  };
}

/**
 * Everything an operation needs once the tenant's state allows it: checks the id, the base config
 * option and the state (in that order, before anything is touched), then loads and validates the
 * base config and the stack settings, checks that the tenant's stack exists, and runs `work`
 * holding the tenant's reservation.
 */
async function withTenantOperation<T>(
  io: CliIo,
  tenantId: string,
  operation: TenantOperation,
  options: TenantOperationOptions,
  work: (context: { registry: TenantRegistry; tenant: Tenant; stacks: TenantStacks; hooks: OperationHooks; reservation: ReturnType<TenantStacks["reserve"]> }) => Promise<T>,
): Promise<T> {
  const id = assertTenantId(tenantId);
  const path = baseConfigPath(io, options.baseConfig);
  return withPool(io, async (pool) => {
    const registry = new TenantRegistry(pool);
    const tenant = await registry.getTenant(id);
    assertOperationState(tenant, operation);
    await assertNoPortalOperation(pool, id);
    const stacks = createTenantStacks(await loadBaseConfig(path), { env: io.env });
    // These operations change a deployed tenant: a missing stack means the wrong backend (or a
    // tenant deployed elsewhere), and `up` on a new empty stack would try to create its stores again.
    const stackName = tenantStackName(id);
    if (!(await stacks.workspace.stackNames()).includes(stackName)) {
      throw new CliError(`tenant "${id}" has no stack "${stackName}" in ${stacks.redact(stacks.workspace.settings.backendUrl)}; check PULUMI_BACKEND_URL / FROSTBYTE_STATE_DIR`);
    }
    const reservation = stacks.reserve(id, `${operation} (frostbyte tenant ${operation})`);
    try {
      return await work({ registry, tenant, stacks, hooks: progressHooks(io), reservation });
    } finally {
      reservation.release();
    }
  });
}

/** The tenant's latest TENANT_CREDENTIALS_ROTATED event, if any. */
async function latestRotationEvent(registry: TenantRegistry, tenantId: string): Promise<AuditEvent | undefined> {
  const events = await registry.listEvents(tenantId);
  return events.filter((event) => event.eventType === "TENANT_CREDENTIALS_ROTATED").at(-1);
}

/**
 * Rotates every credential of an ACTIVE tenant: records the next rotation token in the registry,
 * then `up` with it. The stack regenerates the MinIO secret key, the PostgreSQL and Redis passwords
 * and the tenant's age key, re-encrypts the secrets file, updates every store, verifies isolation
 * with the new credentials, and records TENANT_CREDENTIALS_ROTATED.
 */
export async function tenantRotate(io: CliIo, tenantId: string, options: TenantOperationOptions): Promise<void> {
  await withTenantOperation(io, tenantId, "rotate", options, async ({ registry, tenant, stacks, hooks, reservation }) => {
    const id = tenant.tenantId;
    const { tenant: pending, previous, rotation } = await beginCredentialRotation(registry, tenant, cliActor(io));
    io.stdout(`tenant "${id}": rotating credentials (${previous} -> ${rotation})\n`);
    try {
      await stacks.updateConfig(reservation, desiredStateFromRegistry(pending), hooks);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(
        `rotation ${rotation} of tenant "${id}" failed: ${message} (the token stays recorded: the next deployment of the tenant applies it; frostbyte tenant rotate ${id} rotates again)`,
      );
    }
    const after = await registry.getTenant(id);
    const event = await latestRotationEvent(registry, id);
    if (after.credentialRotation !== rotation || event?.details["rotation"] !== rotation) {
      throw new CliError(`tenant "${id}": the update succeeded but the stack recorded no TENANT_CREDENTIALS_ROTATED for ${rotation}; is the program (bin/) built from this version?`);
    }
    const names = tenantNames(id);
    io.stdout(
      `tenant "${id}": credentials rotated (${previous} -> ${rotation}): MinIO secret key of ${names.minio.user}, PostgreSQL password of ${names.postgres.role}, ` +
        `Redis password of ${names.redis.user}, age key; ${names.secretsFile} re-encrypted; TENANT_CREDENTIALS_ROTATED ${event.eventId}\n`,
    );
  });
}

/** Suspends an ACTIVE tenant (every credential disabled, data kept) or resumes a SUSPENDED one. */
async function tenantSuspension(io: CliIo, tenantId: string, operation: "suspend" | "resume", options: TenantOperationOptions): Promise<void> {
  await withTenantOperation(io, tenantId, operation, options, async ({ registry, tenant, stacks, hooks, reservation }) => {
    const id = tenant.tenantId;
    const suspended = operation === "suspend";
    io.stdout(`tenant "${id}": ${suspended ? "suspending" : "resuming"}\n`);
    const desired = desiredStateFromRegistry(tenant, { suspended });
    if (suspended) await stacks.suspend(reservation, desired, hooks);
    else await stacks.resume(reservation, desired, hooks);
    const wanted: TenantState = suspended ? "SUSPENDED" : "ACTIVE";
    const after = await registry.getTenant(id);
    if (after.state !== wanted) throw new CliError(`tenant "${id}": the update succeeded but the tenant is ${after.state}, not ${wanted}`);
    io.stdout(
      suspended
        ? `tenant "${id}" is SUSPENDED: MinIO user disabled, PostgreSQL role NOLOGIN, Redis user off, Qdrant token grant suspended, firewall closed; data kept\n`
        : `tenant "${id}" is ACTIVE: every credential works again\n`,
    );
  });
}

export const tenantSuspend = (io: CliIo, tenantId: string, options: TenantOperationOptions) => tenantSuspension(io, tenantId, "suspend", options);
export const tenantResume = (io: CliIo, tenantId: string, options: TenantOperationOptions) => tenantSuspension(io, tenantId, "resume", options);

/** Registers `rotate`, `suspend` and `resume` under the `tenant` command group. */
export function registerTenantOperations(tenant: Command, io: CliIo): void {
  tenant
    .command("rotate")
    .description("rotate every credential of an ACTIVE tenant (MinIO, PostgreSQL, Redis, age key) and re-encrypt its secrets file")
    .argument("<id>", "tenant id")
    .option(...BASE_CONFIG_OPTION)
    .action((id: string, options: TenantOperationOptions) => tenantRotate(io, id, options));
  tenant
    .command("suspend")
    .description("suspend an ACTIVE tenant: every credential disabled, data kept")
    .argument("<id>", "tenant id")
    .option(...BASE_CONFIG_OPTION)
    .action((id: string, options: TenantOperationOptions) => tenantSuspend(io, id, options));
  tenant
    .command("resume")
    .description("resume a SUSPENDED tenant: every credential enabled again")
    .argument("<id>", "tenant id")
    .option(...BASE_CONFIG_OPTION)
    .action((id: string, options: TenantOperationOptions) => tenantResume(io, id, options));
}
