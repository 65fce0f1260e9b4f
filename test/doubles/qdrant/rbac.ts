/**
 * Access checks of Qdrant's JWT RBAC, for the test double.
 *
 * Checked against Qdrant v1.19.0 `lib/storage/src/rbac/mod.rs` (`check_global_access`,
 * `check_collection_access`, `CollectionAccessView::meets_requirements`,
 * `GlobalAccessMode::meets_requirements`) and `lib/storage/src/rbac/ops_checks.rs`
 * (which operation needs what). Failures are `StorageError::Forbidden` → 403 with the JSON envelope.
 */
import { storageError } from "./envelope";
import type { Access } from "./types";

/** `AccessRequirements`: `manage` implies write; `extras` = snapshots, payload indexes, … */
export interface AccessRequirements {
  write?: boolean;
  manage?: boolean;
  extras?: boolean;
}

/** Full access, as granted to the read-write api key or a JWT without an `access` claim. */
export const FULL_ACCESS: Access = { kind: "global", mode: "m" };
/** Read-only access, as granted to the read-only api key. */
export const READ_ONLY_ACCESS: Access = { kind: "global", mode: "r" };

function checkGlobalMode(mode: "r" | "m", req: AccessRequirements): void {
  if ((req.write === true || req.manage === true) && mode === "r") {
    throw storageError.forbidden("Global manage access is required");
  }
}

/** `Access::check_global_access` (create/update/delete collection need `{ manage: true }`). */
export function checkGlobalAccess(access: Access, req: AccessRequirements): void {
  if (access.kind === "collections") throw storageError.forbidden("Global access is required");
  checkGlobalMode(access.mode, req);
}

/** `Access::check_collection_access` / `check_point_op` for one collection. */
export function checkCollectionAccess(access: Access, collection: string, req: AccessRequirements): void {
  if (access.kind === "global") {
    checkGlobalMode(access.mode, req);
    return;
  }
  const entry = access.list.find((a) => a.collection === collection);
  if (entry === undefined) throw storageError.forbidden(`Access to collection ${collection} is required`);
  if (req.extras === true && entry.access === "prw") {
    throw storageError.forbidden(`Only points access is allowed for collection ${collection}`);
  }
  if (req.write === true && entry.access === "r") {
    throw storageError.forbidden(`Write access to collection ${collection} is required`);
  }
  if (req.manage === true) throw storageError.forbidden("Manage access for this operation is required");
}

/** `TableOfContent::all_collections`: the collections `GET /collections` shows to this access. */
export function canSeeCollection(access: Access, collection: string): boolean {
  try {
    checkCollectionAccess(access, collection, {});
    return true;
  } catch {
    return false;
  }
}
