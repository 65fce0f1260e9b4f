/**
 * Runs accepted operations in the background: marks them running, drives the tenant's stack,
 * streams and stores the progress, and ends them succeeded or failed — a failure also settles the
 * tenant (settle.ts). The tenant's reservation is released only when the operation has ended.
 * Each operation has a deadline (FROSTBYTE_OPERATION_DEADLINE_SECONDS): the engine is cancelled
 * when it passes, and every control-plane write is retried while the control plane does not answer
 * (bookkeeping.ts).
 */
import type pg from "pg";
import { getOperation, markFailed, markRunning, markSucceeded, type Operation, type Tenant, type TenantRegistry } from "../../controlplane";
import { DEFAULT_OPERATION_DEADLINE_SECONDS } from "../../domain";
import { OperationDeadline, StackConflictError, type OperationHooks, type StackOperationOutcome, type TenantReservation } from "../../stacks";
import type { PortalMetrics } from "../metrics";
import { OperationBookkeeping } from "./bookkeeping";
import { desiredState } from "./kinds";
import type { ProgressHub } from "./progressHub";
import { ProgressWriter } from "./progressWriter";
import { completeDeprovisioning, settleFailedOperation } from "./settle";
import type { OperationStacks } from "./stacks";
import type { JsonObject } from "../../domain";

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
  readonly stacks: OperationStacks;
  readonly hub: ProgressHub;
  readonly metrics: PortalMetrics;
  /** Applied to every error text before it is stored. */
  readonly redact: (text: string) => string;
  readonly log: RunnerLog;
  /** Who the registry records for the changes the portal makes itself. */
  readonly actor: string;
}

/** Longest error text stored with an operation or in an audit event. */
const MAX_ERROR_LENGTH = 2000;

export class OperationRunner {
  private readonly running = new Map<string, { readonly abort: AbortController; readonly done: Promise<void> }>();

  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Opens the operation's live progress and runs it on the next turn of the event loop, so the
   * caller can answer 202 first. The reservation is released when the operation ends.
   */
  launch(operation: Operation, reservation: TenantReservation): void {
    this.deps.hub.open(operation.operationId);
    this.deps.metrics.operationStarted(operation.kind);
    const abort = new AbortController();
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.execute(operation, reservation, abort.signal))
      .finally(() => this.running.delete(operation.operationId));
    this.running.set(operation.operationId, { abort, done });
  }

  /** Cancels every running operation (the engine is sent SIGINT and stops gracefully). */
  abortAll(reason: string): void {
    for (const { abort } of this.running.values()) abort.abort(reason);
  }

  /** Resolves when every operation started so far has ended. */
  async drain(): Promise<void> {
    await Promise.all([...this.running.values()].map((entry) => entry.done));
  }

  /** How many operations run now. */
  get size(): number {
    return this.running.size;
  }

  private errorText(error: unknown, signal: AbortSignal): string {
    const message = error instanceof Error ? error.message : String(error);
    const text = this.deps.redact(signal.aborted ? `cancelled (${String(signal.reason)}): ${message}` : message).trim() || "unknown error";
    return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
  }

  /** The deadline of an operation starting now. */
  private deadline(): OperationDeadline {
    return new OperationDeadline(this.deps.stacks.timeBounds?.deadlineSeconds ?? DEFAULT_OPERATION_DEADLINE_SECONDS);
  }

  private async execute(queued: Operation, reservation: TenantReservation, signal: AbortSignal): Promise<void> {
    const { pool, registry, hub, metrics, log } = this.deps;
    const id = queued.operationId;
    const deadline = this.deadline();
    const books = new OperationBookkeeping(deadline, signal, (what, error) =>
      log.warn?.({ err: error, operationId: id }, `the control plane did not answer while ${what}; retrying`),
    );
    const writer = new ProgressWriter(pool, id, (error) => log.error({ err: error, operationId: id }, "could not store operation progress"), { until: deadline.expiresAt, signal });
    const hooks: OperationHooks = {
      signal,
      deadline,
      onProgress: (event) => {
        const stored = hub.publish(id, event);
        if (stored) writer.add(stored);
      },
    };
    const startedAt = Date.now();
    let operation = queued;
    let final: Operation | undefined;
    try {
      operation = await books.during("marking the operation running", () => markRunning(pool, id));
      const tenant = await books.during("reading the tenant", () => registry.getTenant(operation.tenantId));
      const result = await this.perform(operation, tenant, reservation, hooks, books);
      await writer.drain();
      final = await books.closing("marking the operation succeeded", (attempt) => this.finishOnce(id, attempt, () => markSucceeded(pool, id, result)));
    } catch (error) {
      const text = this.errorText(error, signal);
      let result: JsonObject | null = null;
      try {
        // A stack locked by another process was never touched by this operation: whatever that
        // process is doing to the tenant, this failure must not record it as failed.
        const state = await books.closing("settling the tenant", async () =>
          error instanceof StackConflictError ? (await registry.getTenant(operation.tenantId)).state : await settleFailedOperation(registry, operation, text, this.deps.actor),
        );
        if (state !== undefined) result = { tenantState: state };
      } catch (settleError) {
        log.error({ err: settleError, operationId: id }, "could not record the failed operation on its tenant");
      }
      await writer.drain();
      try {
        final = await books.closing("marking the operation failed", (attempt) => this.finishOnce(id, attempt, () => markFailed(pool, id, text, result)));
      } catch (markError) {
        log.error({ err: markError, operationId: id }, "could not mark the operation failed; the next start of the portal will");
      }
    } finally {
      reservation.release();
      const succeeded = final?.state === "succeeded";
      metrics.operationFinished(queued.kind, succeeded ? "succeeded" : "failed", (Date.now() - startedAt) / 1000);
      hub.finish(final ?? { ...operation, state: "failed", finishedAt: new Date(), error: "the operation's end could not be recorded" });
    }
  }

  /**
   * Marks the operation finished with `mark`; a later attempt first reads the row, as the one before
   * may have committed before its answer was lost (a finished row never changes again).
   */
  private async finishOnce(operationId: string, attempt: number, mark: () => Promise<Operation>): Promise<Operation> {
    if (attempt > 1) {
      const current = await getOperation(this.deps.pool, operationId);
      if (current?.state === "succeeded" || current?.state === "failed") return current;
    }
    return mark();
  }

  /** Drives the tenant's stack for the operation's kind; returns what the operation's `result` records. */
  private async perform(operation: Operation, tenant: Tenant, reservation: TenantReservation, hooks: OperationHooks, books: OperationBookkeeping): Promise<JsonObject> {
    const { stacks, registry } = this.deps;
    const desired = desiredState(tenant, operation.kind);
    let outcome: StackOperationOutcome;
    switch (operation.kind) {
      case "provision":
        outcome = await stacks.provision(reservation, desired, hooks);
        break;
      case "update_config":
      case "rotate":
        outcome = await stacks.updateConfig(reservation, desired, hooks);
        break;
      case "preview":
        outcome = await stacks.preview(reservation, desired, hooks);
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
        await books.closing("recording the deprovisioning", () => completeDeprovisioning(registry, operation, this.deps.actor, note));
        outcome = destroyed;
        break;
      }
    }
    const tenantState = (await books.closing("reading the tenant's state", () => registry.getTenant(operation.tenantId))).state;
    const summary = outcome.summary ? { result: outcome.summary.result, resourceChanges: outcome.summary.resourceChanges, durationSeconds: outcome.summary.durationSeconds } : undefined;
    return { tenantState, ...(summary ? { summary } : {}) };
  }
}
