/**
 * `frostbyte audit verify`: a tenant's chain on its own (audit.ts), then against its newest
 * checkpoint when a checkpoint store is configured.
 */
import type { KeyObject } from "node:crypto";
import type pg from "pg";
import { assertTenantId } from "../../domain";
import { readVerifiedChain, type AuditEvent, type ChainVerification } from "../audit";
import { compareWithCheckpoint, describeCheckpoint } from "./compare";
import { CheckpointFormatError, CheckpointStoreError } from "./errors";
import { assertNameMatches, openCheckpoint, type CheckpointPayload } from "./format";
import type { CheckpointStore, StoredCheckpoint } from "./store";

/** The store and the public keys a verification trusts. */
export interface CheckpointVerifier {
  readonly store: CheckpointStore;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** What the newest checkpoint said about the chain. */
export type CheckpointCheck =
  | { readonly status: "not-configured" }
  /** The chain itself is broken; its own report says where. */
  | { readonly status: "skipped" }
  | { readonly status: "none"; readonly store: string }
  | { readonly status: "matches"; readonly description: string; readonly uncovered: number }
  | { readonly status: "mismatch"; readonly reason: string };

/** The outcome of {@link verifyTenantAudit}; `ok` only when both parts hold. */
export interface TenantAuditVerification {
  readonly tenantId: string;
  readonly ok: boolean;
  readonly chain: ChainVerification;
  readonly checkpoint: CheckpointCheck;
}

/** The newest checkpoint of the tenant, opened and checked; undefined when it has none. */
export async function latestCheckpoint(
  verifier: CheckpointVerifier,
  tenantId: string,
): Promise<{ readonly stored: StoredCheckpoint; readonly payload: CheckpointPayload } | undefined> {
  const stored = await verifier.store.latest(tenantId);
  if (stored === undefined) return undefined;
  const payload = openCheckpoint(stored.body, verifier.keys, stored.name);
  assertNameMatches(stored.name, payload);
  return { stored, payload };
}

/** Compares an intact chain with the newest checkpoint; a tampered store is a mismatch too. */
export async function checkAgainstLatest(verifier: CheckpointVerifier, tenantId: string, events: readonly AuditEvent[]): Promise<CheckpointCheck> {
  let latest: Awaited<ReturnType<typeof latestCheckpoint>>;
  try {
    latest = await latestCheckpoint(verifier, tenantId);
  } catch (error) {
    if (error instanceof CheckpointStoreError || error instanceof CheckpointFormatError) return { status: "mismatch", reason: error.message };
    throw error;
  }
  if (latest === undefined) return { status: "none", store: verifier.store.describe() };
  const comparison = compareWithCheckpoint(tenantId, events, latest.stored.name, latest.payload);
  if (!comparison.ok) return { status: "mismatch", reason: comparison.reason };
  return { status: "matches", description: describeCheckpoint(latest.stored.name, latest.payload), uncovered: comparison.uncovered };
}

/** Verifies the tenant's chain, then (with a verifier, when the chain is intact) its newest checkpoint. */
export async function verifyTenantAudit(pool: pg.Pool, tenantId: string, verifier?: CheckpointVerifier): Promise<TenantAuditVerification> {
  const id = assertTenantId(tenantId);
  const { verification, events } = await readVerifiedChain(pool, id);
  if (verifier === undefined) return { tenantId: id, ok: verification.ok, chain: verification, checkpoint: { status: "not-configured" } };
  if (!verification.ok) return { tenantId: id, ok: false, chain: verification, checkpoint: { status: "skipped" } };
  const checkpoint = await checkAgainstLatest(verifier, id, events);
  return { tenantId: id, ok: checkpoint.status !== "mismatch", chain: verification, checkpoint };
}
