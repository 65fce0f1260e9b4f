/** How one tenant's operation is classified and its error reduced to one line (pure). */
export { changeBreakdown, changeCount } from "../domain";
import type { Operation } from "../controlplane";
import { changeBreakdown, changeCount, isJsonObject } from "../domain";
import { StackConflictError, TenantBusyError } from "../stacks/errors";
import { tenantStackName } from "../stacks/stackName";
import type { StackOperationOutcome } from "../stacks/tenantStacks";
import type { FleetCommand, FleetResult } from "./command";

/** A finished operation's classification. */
export interface Classified {
  readonly result: Exclude<FleetResult, "skipped">;
  readonly changes?: number;
  readonly breakdown?: string;
  readonly error?: string;
}

/** The part of the engine's summary a classification reads. */
interface EngineSummary {
  readonly result: string;
  readonly resourceChanges: Readonly<Record<string, number>>;
}

/** Changes mean `changed` for preview and up, `drifted` for drift; no summary or a failed one is a failure. */
function classifySummary(command: FleetCommand, summary: EngineSummary | undefined): Classified {
  if (summary === undefined) return { result: "failed", error: "the engine sent no summary" };
  if (summary.result !== "succeeded") return { result: "failed", error: `the engine reported ${summary.result}` };
  const changes = changeCount(summary.resourceChanges);
  const breakdown = changeBreakdown(summary.resourceChanges);
  const result = changes === 0 ? "unchanged" : command === "drift" ? "drifted" : "changed";
  return { result, changes, breakdown };
}

/** Classifies an engine run's outcome (see {@link classifySummary}). */
export function classifyOutcome(command: FleetCommand, outcome: StackOperationOutcome): Classified {
  return classifySummary(command, outcome.summary);
}

/** The engine summary an operation's `result` records (`{ summary: { result, resourceChanges } }`), if it is one. */
function summaryOf(result: Operation["result"]): EngineSummary | undefined {
  const summary = result?.["summary"];
  if (!isJsonObject(summary) || typeof summary["result"] !== "string" || !isJsonObject(summary["resourceChanges"])) return undefined;
  const counts = Object.entries(summary["resourceChanges"]).filter((entry): entry is [string, number] => typeof entry[1] === "number");
  return { result: summary["result"], resourceChanges: Object.fromEntries(counts) };
}

/**
 * Classifies an operation that ended: a failed one by its error's first line (a stack locked by
 * another process said as busy), a succeeded one by its engine summary.
 */
export function classifyOperation(command: FleetCommand, operation: Operation): Classified {
  if (operation.state === "failed") return { result: "failed", error: operationErrorLine(operation) };
  if (operation.state !== "succeeded") throw new Error(`operation ${operation.operationId} has not ended (${operation.state})`);
  return classifySummary(command, summaryOf(operation.result));
}

/** The first line of a failed operation's (already redacted) error; a locked stack is said to be busy, as errorFirstLine does. */
function operationErrorLine(operation: Operation): string {
  const first = errorFirstLine(new Error(operation.error ?? ""));
  const locked = new StackConflictError(tenantStackName(operation.tenantId), "locked").message;
  return first.startsWith(locked) ? errorFirstLine(new StackConflictError(tenantStackName(operation.tenantId), "locked")) : first;
}

/** The first non-empty line of an error, with busy tenants and locked stacks said plainly. */
export function errorFirstLine(error: unknown): string {
  if (error instanceof StackConflictError && error.reason === "locked") return "busy: locked by another process";
  if (error instanceof TenantBusyError) return `busy: ${error.message}`;
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}
