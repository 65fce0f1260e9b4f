/** A drift check's result from its `preview --refresh` outcome (pure). */
import type { DriftCheckInput, Operation } from "../controlplane";
import { changeCount, changesOnly, type JsonObject } from "../domain";
import type { StackOperationOutcome } from "../stacks";

/**
 * `{ result: "in_sync" | "drifted", changes }` for a preview that succeeded; `{ result: "failed" }`
 * when the engine sent no summary or reported a failure.
 */
export function driftResultOf(outcome: StackOperationOutcome): JsonObject {
  const summary = outcome.summary;
  if (summary === undefined || summary.result !== "succeeded") return { result: "failed", error: summary ? `the engine reported ${summary.result}` : "the engine sent no summary" };
  const changes = changesOnly(summary.resourceChanges);
  return { result: changeCount(summary.resourceChanges) === 0 ? "in_sync" : "drifted", changes };
}

/** What the drift table records for the operation's result (changes only when drifted, an error only when failed). */
export function driftCheckOf(operation: Operation, drift: JsonObject): DriftCheckInput {
  const base = { tenantId: operation.tenantId, operationId: operation.operationId };
  if (drift["result"] === "drifted") return { ...base, result: "drifted", changes: drift["changes"] as Record<string, number> };
  if (drift["result"] === "in_sync") return { ...base, result: "in_sync" };
  return { ...base, result: "failed", error: typeof drift["error"] === "string" && drift["error"] !== "" ? drift["error"] : "the check failed" };
}
