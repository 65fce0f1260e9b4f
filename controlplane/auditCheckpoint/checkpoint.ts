/**
 * `frostbyte audit checkpoint`: for each tenant, verify its chain on its own and against its newest
 * checkpoint, and only then sign its head and store the signature where it cannot be rewritten.
 * Signing only a chain that still matches the previous checkpoint keeps a removal made between two
 * runs from being blessed by the second one.
 */
import type { KeyObject } from "node:crypto";
import type pg from "pg";
import { assertTenantId } from "../../domain";
import { readVerifiedChain } from "../audit";
import { chainHead } from "./compare";
import { checkpointObjectName, checkpointPayload, signCheckpoint, type ChainHead } from "./format";
import type { SigningKey } from "./keys";
import type { CheckpointStore, WrittenCheckpoint } from "./store";
import { checkAgainstLatest } from "./verify";

/** What happened to one tenant. */
export type TenantCheckpointResult =
  | { readonly tenantId: string; readonly outcome: "written"; readonly head: ChainHead; readonly written: WrittenCheckpoint }
  /** The newest checkpoint already covers the head: nothing new to sign. */
  | { readonly tenantId: string; readonly outcome: "unchanged"; readonly head: ChainHead }
  /** The chain is broken or does not match the newest checkpoint: nothing was signed. */
  | { readonly tenantId: string; readonly outcome: "refused"; readonly reason: string };

/** Options of {@link checkpointTenant}. */
export interface CheckpointOptions {
  /** The signer's clock (the time the checkpoint states). */
  readonly now?: () => Date;
  /**
   * Further public keys the previous checkpoint may be signed with (FROSTBYTE_AUDIT_VERIFY_KEY_FILE,
   * while a signing key is being replaced); the signing key's own public half is always trusted.
   */
  readonly trustedKeys?: ReadonlyMap<string, KeyObject>;
}

/** Checkpoints one tenant; see the file comment. The caller prepares the bucket once beforehand. */
export async function checkpointTenant(pool: pg.Pool, store: CheckpointStore, key: SigningKey, tenantId: string, options: CheckpointOptions = {}): Promise<TenantCheckpointResult> {
  const id = assertTenantId(tenantId);
  const { verification, events } = await readVerifiedChain(pool, id);
  if (!verification.ok) {
    const bad = verification.firstBad;
    return { tenantId: id, outcome: "refused", reason: `the chain is broken at chain position ${bad?.chainSeq ?? 1}: ${bad?.reason ?? "unknown reason"}` };
  }
  const head = chainHead(events);
  if (head === undefined) return { tenantId: id, outcome: "refused", reason: "the chain is empty" };

  const keys = new Map([...(options.trustedKeys ?? []), [key.keyId, key.publicKey]]);
  const previous = await checkAgainstLatest({ store, keys }, id, events);
  if (previous.status === "mismatch") return { tenantId: id, outcome: "refused", reason: previous.reason };
  if (previous.status === "matches" && previous.uncovered === 0) return { tenantId: id, outcome: "unchanged", head };

  const payload = checkpointPayload(head, (options.now ?? (() => new Date()))(), key.keyId);
  const written = await store.write(checkpointObjectName(payload), signCheckpoint(payload, key.privateKey));
  return { tenantId: id, outcome: "written", head, written };
}

/** Checkpoints every tenant in turn (or the given ones); one tenant's refusal does not stop the rest. */
export async function checkpointTenants(
  pool: pg.Pool,
  store: CheckpointStore,
  key: SigningKey,
  tenantIds: readonly string[],
  options: CheckpointOptions = {},
): Promise<TenantCheckpointResult[]> {
  await store.prepareBucket();
  const results: TenantCheckpointResult[] = [];
  for (const tenantId of tenantIds) results.push(await checkpointTenant(pool, store, key, tenantId, options));
  return results;
}
