/**
 * Runs one operation per tenant with bounded concurrency (p-limit): at most `concurrency` tenants'
 * operations run at once, each is reported as it starts and finishes, and one tenant's failure
 * never stops the others. Aborting the signal cancels running operations (the engine gets SIGINT)
 * and reports tenants that had not started as failed.
 */
import pLimit from "p-limit";
import type { Tenant } from "../controlplane";
import type { OperationHooks, StackOperationOutcome } from "../stacks/tenantStacks";
import type { FleetCommand, FleetResult } from "./command";
import { classifyOutcome, errorFirstLine } from "./outcome";

/** What runs one tenant's operation (see operation.ts for the real one over TenantStacks). */
export type TenantOperation = (tenant: Tenant, hooks: OperationHooks) => Promise<StackOperationOutcome>;

/** The report of one tenant. */
export interface TenantReport {
  readonly tenantId: string;
  readonly result: FleetResult;
  /** Resources changed (up) or to be changed (preview, drift); absent when it failed or was skipped. */
  readonly changes?: number;
  /** E.g. `update 1, create 2`. */
  readonly breakdown?: string;
  /** Absent for a skipped tenant. */
  readonly durationMs?: number;
  /** First line of the error (failed), or why it was skipped. */
  readonly message?: string;
}

/** Options of {@link runFleet}. */
export interface RunFleetOptions {
  /** At most this many operations at once (≥ 1). */
  readonly concurrency: number;
  readonly onStarted?: (tenantId: string) => void;
  readonly onFinished?: (report: TenantReport) => void;
  /** Aborting it cancels running operations; tenants not started yet are reported failed. */
  readonly signal?: AbortSignal;
  /** Applied to every error line (the stacks' redactor). */
  readonly redact?: (text: string) => string;
  /** Milliseconds clock (default performance.now). */
  readonly now?: () => number;
}

/** Runs `operation` for every tenant; resolves with one report per tenant, in the given order. */
export async function runFleet(command: FleetCommand, tenants: readonly Tenant[], operation: TenantOperation, options: RunFleetOptions): Promise<TenantReport[]> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be an integer ≥ 1, not ${options.concurrency}`);
  const limit = pLimit(options.concurrency);
  const now = options.now ?? (() => performance.now());
  const redact = options.redact ?? ((text: string) => text);

  const runOne = async (tenant: Tenant): Promise<TenantReport> => {
    const tenantId = tenant.tenantId;
    if (options.signal?.aborted) {
      const report: TenantReport = { tenantId, result: "failed", message: `cancelled before it started (${String(options.signal.reason)})` };
      options.onFinished?.(report);
      return report;
    }
    options.onStarted?.(tenantId);
    const started = now();
    let report: TenantReport;
    try {
      const outcome = await operation(tenant, options.signal ? { signal: options.signal } : {});
      const { error, ...classified } = classifyOutcome(command, outcome);
      report = { tenantId, ...classified, durationMs: now() - started, ...(error !== undefined ? { message: redact(error) } : {}) };
    } catch (error) {
      report = { tenantId, result: "failed", durationMs: now() - started, message: redact(errorFirstLine(error)) };
    }
    options.onFinished?.(report);
    return report;
  };

  return Promise.all(tenants.map((tenant) => limit(runOne, tenant)));
}
