/** The operations table (migrations 005, 008): stack operations on a tenant and their progress. */
export { OperationInProgressError } from "./errors";
export {
  activeOperationOf,
  activeOperations,
  appendProgress,
  getOperation,
  insertOperation,
  listProgress,
  markFailed,
  markRunning,
  markSucceeded,
  OperationClaimLostError,
  recentOperationsOf,
  OPERATION_KINDS,
  OPERATION_STATES,
  type Operation,
  type OperationEvent,
  type OperationKind,
  type OperationState,
  type StoredProgress,
} from "./store";
export { listTenantsWithActiveOperation, type TenantListFilter, type TenantWithOperation } from "./tenantsWithOperations";
