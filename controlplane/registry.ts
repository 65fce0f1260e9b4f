/**
 * The tenant registry (DESIGN §3–§5) on a pooled connection. Every change and the audit event that
 * records it commit in one transaction; changes of one tenant queue on its row (SELECT ... FOR UPDATE).
 * Inputs are checked before any SQL: tenant id (§1), config (§6), transition (§3), secrets in data.
 */
import { isDeepStrictEqual } from "node:util";
import type pg from "pg";
import { agePublicKeyProblem, assertTenantId, assertTransition, INITIAL_ROTATION, isJsonObject, isTenantState, type JsonObject, type LifecycleTransition, parseTenantConfig, rotationTokenProblem, STANDALONE_EVENT_TYPES, type StandaloneEventType, TENANT_STATES, type TenantState, UnknownStateError } from "../domain";
import { appendEvent, assertActor, assertEventDetails, listEvents, verifyChain, type AuditEvent, type ChainVerification } from "./audit";
import { withTransaction } from "./db";
import { CredentialRotationError, InvalidAgePublicKeyError, InvalidAuditEventError, TenantAlreadyExistsError, TenantNotFoundError } from "./errors";
import { assertNoSecrets } from "./secretGuard";
import { TENANT_COLUMNS, tenantFromRow, type Tenant, type TenantEndpoints, type TenantRow } from "./tenantRecord";

/** Who makes a change, and what the audit event should say beyond what the registry records itself. */
export interface ChangeOptions {
  /** An operator, a service or `pulumi`; required on every change that writes an event. */
  readonly actor: string;
  /** Extra facts for the event's details (resource ids, error text); never a secret. */
  readonly details?: JsonObject;
}

/** Options of {@link TenantRegistry.createTenant}. */
export interface CreateTenantOptions extends ChangeOptions {
  /** The tenant's config (DESIGN §6); missing keys take their defaults. */
  readonly config?: unknown;
}

/** Options of {@link TenantRegistry.transition}. */
export interface TransitionOptions extends ChangeOptions {
  /**
   * The endpoints to record with the move PROVISIONING -> ACTIVE (DESIGN §7 write-back): stored in
   * the same transaction and named in TENANT_PROVISIONED's details. Refused with any other move.
   */
  readonly endpoints?: TenantEndpoints;
}

/** Options of {@link TenantRegistry.setCredentialRotation}. */
export interface CredentialRotationTokenOptions extends ChangeOptions {
  /** Refuse unless the stored token is still this one. */
  readonly expected?: string;
}

/** What {@link TenantRegistry.transition} changed. */
export interface TransitionResult {
  readonly tenant: Tenant;
  readonly transition: LifecycleTransition;
  readonly event: AuditEvent;
}

/** A standalone event: one that records no registry change (e.g. TENANT_ISOLATION_VERIFIED). */
export interface StandaloneEventInput extends ChangeOptions {
  readonly eventType: StandaloneEventType;
  readonly resourceType?: string;
  readonly resourceId?: string;
}

/** What {@link TenantRegistry.recordCredentialRotation} records. */
export interface CredentialRotationInput extends ChangeOptions {
  /** The token the stores held before. */
  readonly previousRotation: string;
  /** The token they hold now. */
  readonly rotation: string;
}

/** The subject of tenant events in `resource_type` / `resource_id`. */
const TENANT_RESOURCE = "tenant";

async function lockTenant(client: pg.PoolClient, tenantId: string): Promise<Tenant> {
  const result = await client.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
  const row = result.rows[0];
  if (row === undefined) throw new TenantNotFoundError(tenantId);
  return tenantFromRow(row);
}

function onlyRow(result: pg.QueryResult<TenantRow>, tenantId: string): Tenant {
  const row = result.rows[0];
  if (row === undefined) throw new TenantNotFoundError(tenantId);
  return tenantFromRow(row);
}

/** Top-level keys whose values differ, `ignored` aside, sorted. */
function changedKeys(before: object, after: object, ignored: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of ignored) keys.delete(key);
  const get = (value: object, key: string): unknown => (value as Record<string, unknown>)[key];
  return [...keys].filter((key) => !isDeepStrictEqual(get(before, key), get(after, key))).sort();
}

/** Checks endpoints before any SQL: a JSON object free of secret-looking keys and values. */
function assertEndpoints(tenantId: string, endpoints: unknown): asserts endpoints is TenantEndpoints {
  if (!isJsonObject(endpoints)) throw new TypeError(`tenant "${tenantId}": endpoints must be a JSON object`);
  assertNoSecrets(endpoints, "endpoints");
}

/** The control-plane tenant registry and its audit log. */
export class TenantRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** Registers a tenant in PENDING and writes TENANT_CREATED. */
  async createTenant(tenantId: string, options: CreateTenantOptions): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    const config = parseTenantConfig(options.config ?? {});
    const actor = assertActor(options.actor, `tenant "${id}": TENANT_CREATED`);
    const details = options.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      const inserted = await client.query<TenantRow>(
        `INSERT INTO tenants (tenant_id, state, config, config_version) VALUES ($1, 'PENDING', $2::jsonb, $3)
         ON CONFLICT (tenant_id) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
        [id, JSON.stringify(config), config.config_version],
      );
      const row = inserted.rows[0];
      if (row === undefined) throw new TenantAlreadyExistsError(id);
      await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_CREATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, state: "PENDING", config_version: config.config_version },
      });
      return tenantFromRow(row);
    });
  }

  /**
   * Moves a tenant to `to` when DESIGN §3 allows it from its current state, and writes the
   * transition's event. Refuses a disallowed pair before issuing the UPDATE. The database sets the
   * row's times (migration 011).
   */
  async transition(tenantId: string, to: TenantState, options: TransitionOptions): Promise<TransitionResult> {
    const id = assertTenantId(tenantId);
    if (!isTenantState(to)) throw new UnknownStateError(String(to), TENANT_STATES);
    const actor = assertActor(options.actor, `tenant "${id}": transition to ${to}`);
    const details = options.details ?? {};
    assertEventDetails(details);
    const { endpoints } = options;
    if (endpoints !== undefined) assertEndpoints(id, endpoints);
    return withTransaction(this.pool, async (client) => {
      const current = await lockTenant(client, id);
      const transition = assertTransition(current.state, to, id);
      if (endpoints !== undefined && transition.event !== "TENANT_PROVISIONED") {
        throw new TypeError(`tenant "${id}": endpoints are recorded with PROVISIONING -> ACTIVE only, not ${transition.from} -> ${transition.to}; use recordEndpoints`);
      }
      const updated = await client.query<TenantRow>(
        `UPDATE tenants SET state = $2, endpoints = coalesce($3::jsonb, endpoints) WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, to, endpoints === undefined ? null : JSON.stringify(endpoints)],
      );
      const event = await appendEvent(client, {
        tenantId: id,
        eventType: transition.event,
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, from: transition.from, to: transition.to, ...(endpoints === undefined ? {} : { endpoints }) },
      });
      return { tenant: onlyRow(updated, id), transition, event };
    });
  }

  /**
   * Validates and stores a new config (DESIGN §6), bumps `config_version` and writes
   * TENANT_CONFIG_UPDATED with the old and new versions. A config equal to the stored one changes nothing.
   */
  async updateConfig(tenantId: string, config: unknown, options: ChangeOptions): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    const parsed = parseTenantConfig(config);
    const actor = assertActor(options.actor, `tenant "${id}": TENANT_CONFIG_UPDATED`);
    const details = options.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      const current = await lockTenant(client, id);
      const changedSettings = changedKeys(current.config, parsed, ["config_version"]);
      if (changedSettings.length === 0) return current;
      const version = current.configVersion + 1;
      const updated = await client.query<TenantRow>(
        `UPDATE tenants SET config = $2::jsonb, config_version = $3 WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, JSON.stringify({ ...parsed, config_version: version }), version],
      );
      await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_CONFIG_UPDATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, old_config_version: current.configVersion, new_config_version: version, changed_settings: changedSettings },
      });
      return onlyRow(updated, id);
    });
  }

  /**
   * Replaces the tenant's endpoints and writes TENANT_ENDPOINTS_UPDATED with the new endpoints and
   * the keys that changed; refuses secret-looking keys and URLs with credentials. Endpoints equal to
   * the stored ones change nothing.
   */
  async recordEndpoints(tenantId: string, endpoints: TenantEndpoints, options: ChangeOptions): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    assertEndpoints(id, endpoints);
    const actor = assertActor(options.actor, `tenant "${id}": TENANT_ENDPOINTS_UPDATED`);
    const details = options.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      const current = await lockTenant(client, id);
      const changed = changedKeys(current.endpoints, endpoints);
      if (changed.length === 0) return current;
      const updated = await client.query<TenantRow>(`UPDATE tenants SET endpoints = $2::jsonb WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`, [
        id,
        JSON.stringify(endpoints),
      ]);
      await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_ENDPOINTS_UPDATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, endpoints, changed_endpoints: changed },
      });
      return onlyRow(updated, id);
    });
  }

  /**
   * Stores the tenant's age X25519 public key (`age1…`), the recipient of its secrets file, and
   * writes TENANT_AGE_KEY_UPDATED with the new and the previous recipient. The stored key again
   * changes nothing.
   */
  async setAgePublicKey(tenantId: string, publicKey: string, options: ChangeOptions): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    const problem = agePublicKeyProblem(publicKey);
    if (problem !== undefined) throw new InvalidAgePublicKeyError(id, problem);
    const actor = assertActor(options.actor, `tenant "${id}": TENANT_AGE_KEY_UPDATED`);
    const details = options.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      const current = await lockTenant(client, id);
      if (current.agePublicKey === publicKey) return current;
      const updated = await client.query<TenantRow>(`UPDATE tenants SET age_public_key = $2 WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`, [id, publicKey]);
      await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_AGE_KEY_UPDATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, age_recipient: publicKey, previous_age_recipient: current.agePublicKey },
      });
      return onlyRow(updated, id);
    });
  }

  /**
   * Stores the credential rotation token the tenant's stack is to hold next (before the deployment
   * that applies it), or puts back the one its stores hold, and writes TENANT_ROTATION_TOKEN_UPDATED
   * with the previous and new token; TENANT_CREDENTIALS_ROTATED follows from the stack once every
   * store holds the new credentials. With `expected`, refuses unless the stored token is still that
   * one, so two concurrent rotations cannot both believe they were first. The stored token again
   * changes nothing.
   */
  async setCredentialRotation(tenantId: string, rotation: string, options: CredentialRotationTokenOptions): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    const problem = rotationTokenProblem(rotation);
    if (problem !== undefined) throw new CredentialRotationError(id, `token ${JSON.stringify(rotation)}: ${problem}`);
    const actor = assertActor(options.actor, `tenant "${id}": TENANT_ROTATION_TOKEN_UPDATED`);
    const details = options.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      const current = await lockTenant(client, id);
      const stored = current.credentialRotation ?? INITIAL_ROTATION;
      if (options.expected !== undefined && stored !== options.expected) {
        throw new CredentialRotationError(id, `token is ${JSON.stringify(stored)}, not ${JSON.stringify(options.expected)}: another rotation changed it`);
      }
      if (stored === rotation) return current;
      const updated = await client.query<TenantRow>(`UPDATE tenants SET credential_rotation = $2 WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`, [id, rotation]);
      await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_ROTATION_TOKEN_UPDATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, previous_rotation: stored, rotation },
      });
      return onlyRow(updated, id);
    });
  }

  /**
   * Records a rotation the stack has applied: stores the token and writes TENANT_CREDENTIALS_ROTATED
   * (old and new token, and the caller's details; never a secret) in one transaction.
   */
  async recordCredentialRotation(tenantId: string, input: CredentialRotationInput): Promise<{ tenant: Tenant; event: AuditEvent }> {
    const id = assertTenantId(tenantId);
    for (const token of [input.previousRotation, input.rotation]) {
      const problem = rotationTokenProblem(token);
      if (problem !== undefined) throw new CredentialRotationError(id, `token ${JSON.stringify(token)}: ${problem}`);
    }
    if (input.previousRotation === input.rotation) throw new CredentialRotationError(id, `token ${JSON.stringify(input.rotation)} did not change: nothing was rotated`);
    const actor = assertActor(input.actor, `tenant "${id}": TENANT_CREDENTIALS_ROTATED`);
    const details = input.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      await lockTenant(client, id);
      const updated = await client.query<TenantRow>(
        `UPDATE tenants SET credential_rotation = $2 WHERE tenant_id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, input.rotation],
      );
      const event = await appendEvent(client, {
        tenantId: id,
        eventType: "TENANT_CREDENTIALS_ROTATED",
        actor,
        resourceType: TENANT_RESOURCE,
        resourceId: id,
        details: { ...details, previous_rotation: input.previousRotation, rotation: input.rotation },
      });
      return { tenant: onlyRow(updated, id), event };
    });
  }

  /** Appends an event that records no registry change (TENANT_ISOLATION_VERIFIED). */
  async recordEvent(tenantId: string, input: StandaloneEventInput): Promise<AuditEvent> {
    const id = assertTenantId(tenantId);
    if (!(STANDALONE_EVENT_TYPES as readonly string[]).includes(input.eventType)) {
      throw new InvalidAuditEventError(`${input.eventType} is written by the registry with its change, not on its own`);
    }
    const actor = assertActor(input.actor, `tenant "${id}": ${input.eventType}`);
    const details = input.details ?? {};
    assertEventDetails(details);
    return withTransaction(this.pool, async (client) => {
      await lockTenant(client, id);
      return appendEvent(client, { ...input, tenantId: id, actor, details });
    });
  }

  /** The tenant's registry row; throws {@link TenantNotFoundError} when it is absent. */
  async getTenant(tenantId: string): Promise<Tenant> {
    const id = assertTenantId(tenantId);
    return onlyRow(await this.pool.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE tenant_id = $1`, [id]), id);
  }

  /** Every tenant (or those in one state), oldest first. */
  async listTenants(filter: { readonly state?: TenantState } = {}): Promise<Tenant[]> {
    if (filter.state !== undefined && !isTenantState(filter.state)) throw new UnknownStateError(String(filter.state), TENANT_STATES);
    const result = await this.pool.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM tenants WHERE $1::text IS NULL OR state = $1 ORDER BY created_at, tenant_id`,
      [filter.state ?? null],
    );
    return result.rows.map(tenantFromRow);
  }

  /** The tenant's audit events in chain order. */
  async listEvents(tenantId: string): Promise<AuditEvent[]> {
    return listEvents(this.pool, assertTenantId(tenantId));
  }

  /** Recomputes the tenant's hash chain client-side and reports the first bad event. */
  async verifyChain(tenantId: string): Promise<ChainVerification> {
    return verifyChain(this.pool, assertTenantId(tenantId));
  }
}
