/**
 * The Automation API layer over the project's own program: one stack per tenant (`tenant-{id}`),
 * its config built from a shared base config plus that tenant, operations that refuse to overlap on
 * a tenant, progress as a typed stream, and Automation API errors as typed errors.
 */
export { baseConfigFromValues, loadBaseConfig, TENANTS_KEY, type BaseConfig } from "./baseConfig";
export { createTenantStacks, type CreateTenantStacksOptions } from "./create";
export { JOB_DIR_ENV, openJobStacks, type JobTenantStacks } from "./jobWorkspace";
export {
  cliErrorLines,
  StackCommandError,
  StackConflictError,
  StackSettingsError,
  TenantBusyError,
  TenantStackNotFoundError,
  translateAutomationError,
} from "./errors";
export { beginCredentialRotation, type PendingRotation } from "./credentialRotation";
export { OperationDeadline, OperationDeadlineError } from "./deadline";
export { settleDeadlineFailure, type DeadlineFailure } from "./deadlineFailure";
export { runWithinDeadline, type DeadlineRunOptions } from "./engineDeadline";
export { desiredStateFromRegistry, type DesiredStateOverrides } from "./desiredState";
export { Mutex, TenantLocks, type TenantReservation } from "./locks";
export { policyFailureDetails, PolicyViolationError, settlePolicyFailure } from "./policyFailure";
export { runWithPolicyPack, type PolicyRunEngineOptions, type PolicyRunOptions, type PolicyRunResult } from "./policyRun";
export { describeViolation, POLICY_PACK_FOLDER, policyMessageOf, policyPackDir, policyPacksOf, policyViolationOf, PolicyWatch, type PolicyViolation } from "./policyPack";
export {
  progressFromEngineEvent,
  type DiagnosticProgress,
  type ProgressEvent,
  type ResourceProgress,
  type StackStep,
  type StepProgress,
  type SummaryProgress,
} from "./progress";
export { baseConfigRedactor, REDACTED, redactor } from "./redact";
export { BACKEND_URL_ENV, backendCredentials, backendUrlProblem, ensureStateDir, findProjectDir, PASSPHRASE_ENV, pulumiEnv, STATE_DIR_ENV, stackSettingsFromEnv, type StackSettings, type StackSettingsOptions } from "./settings";
export { openStateBackend } from "./stateBackend";
export { tenantStackName, TENANT_STACK_PREFIX } from "./stackName";
export { tenantStackConfig, type TenantDesiredState } from "./tenantStackConfig";
export { TenantStacks, type DeprovisionOutcome, type OperationHooks, type StackOperationOutcome, type TenantStackOutputs } from "./tenantStacks";
export { StackWorkspace } from "./workspace";
