/**
 * Runs one attempt of an operation on a worker: marks it running under this worker, drives the
 * tenant's stack, stores the progress, and ends it succeeded or failed — a failure also settles the
 * tenant (settle.ts). Each operation has a deadline (FROSTBYTE_OPERATION_DEADLINE_SECONDS): the
 * engine is cancelled when it passes, and every control-plane write is retried while the control
 * plane does not answer (bookkeeping.ts). Every finishing write is fenced to this worker: once
 * another worker has taken the operation over, nothing this attempt writes can end it.
 */
import type pg from "pg";
import { closeAttempt, getOperation, recordDriftCheck, markFailed, markRunning, markSucceeded, OperationClaimLostError, type Operation, type Tenant, type TenantRegistry } from "../controlplane";
import { DEFAULT_OPERATION_DEADLINE_SECONDS, type JsonObject } from "../domain";
import { OperationDeadline, StackConflictError, type OperationHooks, type StackOperationOutcome, type TenantDesiredState, type TenantReservation } from "../stacks";
import { OperationBookkeeping } from "./bookkeeping";
import { driftCheckOf, driftResultOf } from "./driftResult";
import { desiredState } from "./kinds";
import { ProgressSequence } from "./progressSequence";
import { ProgressWriter } from "./progressWriter";
import { completeDeprovisioning, settleFailedOperation } from "./settle";
import type { OperationStacks } from "./stacks";

/** The little logging the runner does. */
export interface RunnerLog {
  error(details: object, message: string): void;
  /** Retries of a control plane that does not answer (default: not logged). */
  warn?(details: object, message: string): void;
}

/** What the runner works with. */
export interface RunnerDeps {
  readonly pool: pg.Pool;
  readonly registry: TenantRegistry;
  readonly log: RunnerLog;
  /** Who the registry records for the changes the worker makes itself. */
  readonly actor: string;
  /** This worker. */
  readonly workerId: string;
  /**
   * Called after an `up` of the operation (provision, update_config, rotate, suspend, resume, up, repair)
   * succeeded, with the desired state it applied, before the operation is marked succeeded.
   */
  readonly onApplied?: (operation: Operation, desired: TenantDesiredState) => Promise<void>;
}

/** One attempt to run. */
export interface Attempt {
  readonly operation: Operation;
  readonly attempt: number;
  readonly stacks: OperationStacks;
  readonly reservation: TenantReservation;
  /** Aborted when the worker shuts down or loses the job's claim: the engine is cancelled. */
  readonly signal: AbortSignal;
}

/** The kinds that change a deployed tenant: refused when its stack is missing. */
const DEPLOYED_KINDS: ReadonlySet<string> = new Set(["suspend", "resume", "rotate"]);

/** The kinds whose `up` leaves the stack holding the desired state they read. */
const APPLYING_KINDS: ReadonlySet<string> = new Set(["provision", "update_config", "rotate", "suspend", "resume", "up", "repair"]);

/** Longest error text stored with an operation or in an audit event. */
const MAX_ERROR_LENGTH = 2000;

function errorText(error: unknown, signal: AbortSignal, redact: (text: string) => string): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = redact(signal.aborted ? `cancelled (${String(signal.reason)}): ${message}` : message).trim() || "unknown error";
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/**
 * Marks the operation finished with `mark`; a later attempt first reads the row, as the one before
 * may have committed before its answer was lost (a finished row never changes again).
 */
async function finishOnce(pool: pg.Pool, operationId: string, attempt: number, mark: () => Promise<Operation>): Promise<Operation> {
  if (attempt > 1) {
    const current = await getOperation(pool, operationId);
    if (current?.state === "succeeded" || current?.state === "failed") return current;
  }
  return mark();
}

/** Runs the attempt to its end; returns the operation as it ended (undefined when its end could not be recorded). */
export async function runAttempt(deps: RunnerDeps, run: Attempt): Promise<Operation | undefined> {
  const { pool, registry, log, workerId } = deps;
  const { stacks, reservation, signal } = run;
  const id = run.operation.operationId;
  const deadline = new OperationDeadline(stacks.timeBounds?.deadlineSeconds ?? DEFAULT_OPERATION_DEADLINE_SECONDS);
  const books = new OperationBookkeeping(deadline, signal, (what, error) => log.warn?.({ err: error, operationId: id }, `the control plane did not answer while ${what}; retrying`));
  const sequence = await books.during("reading the operation's progress", () => ProgressSequence.after(pool, id));
  const writer = new ProgressWriter(pool, id, (error) => log.error({ err: error, operationId: id }, "could not store operation progress"), { until: deadline.expiresAt, signal });
  const hooks: OperationHooks = { signal, deadline, onProgress: (event) => writer.add(sequence.next(event)) };
  let operation = run.operation;
  let final: Operation | undefined;
  try {
    operation = await books.during("marking the operation running", () => markRunning(pool, id, workerId, run.attempt));
    const tenant = await books.during("reading the tenant", () => registry.getTenant(operation.tenantId));
    const result = await perform(deps, books, operation, tenant, run, hooks);
    await writer.drain();
    final = await books.closing("marking the operation succeeded", (attempt) => finishOnce(pool, id, attempt, () => markSucceeded(pool, id, result, workerId)));
    await books.closing("ending the attempt", () => closeAttempt(pool, id, run.attempt, "succeeded"));
  } catch (error) {
    await writer.drain();
    if (error instanceof OperationClaimLostError) {
      log.error({ operationId: id }, error.message);
      await closeAttempt(pool, id, run.attempt, "cancelled").catch(() => undefined);
      return undefined;
    }
    const text = errorText(error, signal, stacks.redact);
    let result: JsonObject | null = null;
    if (operation.kind === "drift" && !signal.aborted) {
      await books.closing("recording the failed drift check", () => recordDriftCheck(pool, driftCheckOf(operation, { result: "failed", error: text }))).catch((driftError: unknown) =>
        log.error({ err: driftError, operationId: id }, "could not record the failed drift check"),
      );
    }
    try {
      // A stack locked by another process was never touched by this operation: whatever that
      // process is doing to the tenant, this failure must not record it as failed.
      const state = await books.closing("settling the tenant", async () =>
        error instanceof StackConflictError ? (await registry.getTenant(operation.tenantId)).state : await settleFailedOperation(registry, operation, text, deps.actor),
      );
      if (state !== undefined) result = { tenantState: state };
    } catch (settleError) {
      log.error({ err: settleError, operationId: id }, "could not record the failed operation on its tenant");
    }
    try {
      final = await books.closing("marking the operation failed", (attempt) => finishOnce(pool, id, attempt, () => markFailed(pool, id, text, result, workerId)));
      await books.closing("ending the attempt", () => closeAttempt(pool, id, run.attempt, signal.aborted ? "cancelled" : "failed"));
    } catch (markError) {
      log.error({ err: markError, operationId: id }, "could not mark the operation failed; another worker takes its job over");
    }
  } finally {
    reservation.release();
  }
  return final;
}

/** Drives the tenant's stack for the operation's kind; returns what the operation's `result` records. */
async function perform(deps: RunnerDeps, books: OperationBookkeeping, operation: Operation, tenant: Tenant, run: Attempt, hooks: OperationHooks): Promise<JsonObject> {
  const { registry } = deps;
  const { stacks, reservation } = run;
  const desired = desiredState(tenant, operation.kind);
  if (DEPLOYED_KINDS.has(operation.kind)) await stacks.assertDeployed(operation.tenantId);
  let outcome: StackOperationOutcome;
  let drift: JsonObject | undefined;
  switch (operation.kind) {
    case "provision":
      outcome = await stacks.provision(reservation, desired, hooks);
      break;
    case "update_config":
    case "rotate":
    case "up":
      outcome = await stacks.updateConfig(reservation, desired, hooks);
      break;
    case "repair":
      outcome = await stacks.updateRefreshed(reservation, desired, hooks);
      break;
    case "preview":
      outcome = await stacks.preview(reservation, desired, hooks);
      break;
    case "drift":
      outcome = await stacks.previewRefreshed(reservation, desired, hooks);
      drift = driftResultOf(outcome);
      await books.closing("recording the drift check", () => recordDriftCheck(deps.pool, driftCheckOf(operation, drift ?? {})));
      break;
    case "suspend":
      outcome = await stacks.suspend(reservation, desired, hooks);
      break;
    case "resume":
      outcome = await stacks.resume(reservation, desired, hooks);
      break;
    case "deprovision": {
      const destroyed = await stacks.deprovision(reservation, hooks);
      const note = destroyed.stackExisted ? "stack destroyed and removed" : "the tenant had no stack; nothing to destroy";
      await books.closing("recording the deprovisioning", () => completeDeprovisioning(registry, operation, deps.actor, note));
      outcome = destroyed;
      break;
    }
  }
  if (APPLYING_KINDS.has(operation.kind) && outcome.summary?.result === "succeeded" && deps.onApplied) {
    const onApplied = deps.onApplied;
    await books.closing("recording what the stack holds", () => onApplied(operation, desired));
  }
  const tenantState = (await books.closing("reading the tenant's state", () => registry.getTenant(operation.tenantId))).state;
  const summary = outcome.summary ? { result: outcome.summary.result, resourceChanges: outcome.summary.resourceChanges, durationSeconds: outcome.summary.durationSeconds } : undefined;
  return { tenantState, ...(summary ? { summary } : {}), ...(drift ? { drift } : {}) };
}
