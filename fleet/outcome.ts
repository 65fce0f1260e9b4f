/** How one tenant's stack operation is classified and its error reduced to one line (pure). */
import { StackConflictError, TenantBusyError } from "../stacks/errors";
import type { StackOperationOutcome } from "../stacks/tenantStacks";
import type { FleetCommand, FleetResult } from "./command";

/** Engine steps that change nothing: `same` (and `refresh`/`read`, should a summary ever count them). */
const NO_CHANGE_OPS = new Set(["same", "refresh", "read"]);

/** Resources the engine would change (preview) or changed (up): every step kind but `same`. */
export function changeCount(resourceChanges: Readonly<Record<string, number>>): number {
  return Object.entries(resourceChanges).reduce((sum, [op, count]) => (NO_CHANGE_OPS.has(op) ? sum : sum + count), 0);
}

/** The changing step kinds and their counts, e.g. `update 1, create 2` (empty when none). */
export function changeBreakdown(resourceChanges: Readonly<Record<string, number>>): string {
  return Object.entries(resourceChanges)
    .filter(([op, count]) => !NO_CHANGE_OPS.has(op) && count > 0)
    .map(([op, count]) => `${op} ${count}`)
    .join(", ");
}

/** A finished operation's classification. */
export interface Classified {
  readonly result: Exclude<FleetResult, "skipped">;
  readonly changes?: number;
  readonly breakdown?: string;
  readonly error?: string;
}

/** Changes mean `changed` for preview and up, `drifted` for drift; no summary or a failed one is a failure. */
export function classifyOutcome(command: FleetCommand, outcome: StackOperationOutcome): Classified {
  const summary = outcome.summary;
  if (summary === undefined) return { result: "failed", error: "the engine sent no summary" };
  if (summary.result !== "succeeded") return { result: "failed", error: `the engine reported ${summary.result}` };
  const changes = changeCount(summary.resourceChanges);
  const breakdown = changeBreakdown(summary.resourceChanges);
  const result = changes === 0 ? "unchanged" : command === "drift" ? "drifted" : "changed";
  return { result, changes, breakdown };
}

/** The first non-empty line of an error, with busy tenants and locked stacks said plainly. */
export function errorFirstLine(error: unknown): string {
  if (error instanceof StackConflictError && error.reason === "locked") return "busy: locked by another process";
  if (error instanceof TenantBusyError) return `busy: ${error.message}`;
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}
