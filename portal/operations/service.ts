/**
 * What the portal does when an operation is asked for, before it answers 202: validate with the
 * project's own rules, claim the tenant in the database (a busy tenant is refused, 409, whichever
 * portal or fleet run holds it), check its state, make the registry change the request itself
 * stands for (a new tenant, a new config), and enqueue the operation for the workers. Nothing is
 * touched before validation passes.
 */
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { assertOperationAllowed, ConfigValidationError, parseTenantConfig, tenantIdProblem, TENANT_ID_RULE, type ConfigProblem, type TenantConfig } from "../../domain";
import { enqueueOperation, type Operation, type OperationKind, type Tenant, type TenantRegistry } from "../../controlplane";
import { beginCredentialRotation } from "../../stacks";
import { absentRemovals, mergePatch } from "../mergePatch";

/** The portal is shutting down and takes no new operation (HTTP 503). */
export class PortalClosingError extends Error {
  readonly statusCode = 503;

  constructor() {
    super("the portal is shutting down and accepts no new operation");
    this.name = "PortalClosingError";
  }
}

/** The problem of a tenant id at `path`, in the words of DESIGN §1, or undefined when it is valid. */
export function tenantIdPathProblem(id: string, path: string): ConfigProblem | undefined {
  const problem = tenantIdProblem(id);
  return problem === undefined ? undefined : { path, message: `tenant id ${JSON.stringify(id)}: ${TENANT_ID_RULE}; ${problem}` };
}

/** The tenant's config with the merge patch applied, validated; a removed key the config does not know is refused too. */
function mergedConfig(tenant: Tenant, patch: unknown): TenantConfig {
  const unknown: ConfigProblem[] = absentRemovals(tenant.config, patch, "config").map((path) => ({ path, message: "unknown key" }));
  let merged: TenantConfig;
  try {
    merged = parseTenantConfig(mergePatch(tenant.config, patch), "config");
  } catch (error) {
    if (error instanceof ConfigValidationError && unknown.length > 0) throw new ConfigValidationError([...error.problems, ...unknown]);
    throw error;
  }
  if (unknown.length > 0) throw new ConfigValidationError(unknown);
  return merged;
}

export class TenantOperations {
  private closing = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly registry: TenantRegistry,
    private readonly queue: PgBoss,
  ) {}

  /** From now on every request for an operation is refused with {@link PortalClosingError}. */
  close(): void {
    this.closing = true;
  }

  /** POST /tenants: registers the tenant (PENDING, TENANT_CREATED) and provisions its stack. */
  async create(id: string, config: unknown, actor: string): Promise<Operation> {
    const problems: ConfigProblem[] = [];
    const idProblem = tenantIdPathProblem(id, "id");
    if (idProblem) problems.push(idProblem);
    try {
      parseTenantConfig(config ?? {}, "config");
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems.push(...error.problems);
    }
    if (problems.length > 0) throw new ConfigValidationError(problems);
    return this.start(id, "provision", actor, async () => {
      await this.registry.createTenant(id, { actor, config: config ?? {} });
    });
  }

  /**
   * PATCH /tenants/:id/config: a JSON merge patch (RFC 7386) onto the stored config, validated as a
   * whole; stored with TENANT_CONFIG_UPDATED, then `up`. An empty patch re-runs `up` (a retry).
   */
  async updateConfig(id: string, patch: unknown, actor: string): Promise<Operation> {
    const merge = (tenant: Tenant) => mergedConfig(tenant, patch);
    merge(await this.registry.getTenant(id));
    return this.start(id, "update_config", actor, async () => {
      const tenant = await this.allowed(id, "update_config");
      await this.registry.updateConfig(id, merge(tenant), { actor });
    });
  }

  /**
   * POST /tenants/:id/rotate: records the tenant's next credential rotation token, then `up`; the
   * stack regenerates every credential and the age key and records TENANT_CREDENTIALS_ROTATED.
   */
  async rotate(id: string, actor: string): Promise<Operation> {
    await this.registry.getTenant(id);
    return this.start(id, "rotate", actor, async () => {
      await beginCredentialRotation(this.registry, await this.allowed(id, "rotate"), actor);
    });
  }

  /** POST /tenants/:id/{preview,suspend,resume} and DELETE /tenants/:id. */
  async run(id: string, kind: Exclude<OperationKind, "provision" | "update_config" | "rotate">, actor: string): Promise<Operation> {
    await this.registry.getTenant(id);
    return this.start(id, kind, actor, async () => {
      await this.allowed(id, kind);
    });
  }

  /** The tenant, when `kind` may start from its state; TenantStateConflictError otherwise. */
  private async allowed(id: string, kind: OperationKind): Promise<Tenant> {
    const tenant = await this.registry.getTenant(id);
    assertOperationAllowed(tenant, kind);
    return tenant;
  }

  /**
   * Claims the tenant, runs `prepare` under the claim (state checks and the registry change the
   * request stands for), and enqueues the operation (controlplane/queue/enqueue.ts).
   */
  private async start(id: string, kind: OperationKind, actor: string, prepare: () => Promise<void>): Promise<Operation> {
    if (this.closing) throw new PortalClosingError();
    return enqueueOperation(this.pool, this.queue, { tenantId: id, kind, actor }, prepare);
  }
}
