/**
 * The progress of a stack operation as a small typed stream: engine events (`onEvent`) become
 * resource started/finished/failed, diagnostics and a summary; the stacks layer adds its own steps.
 * Nothing here carries resource inputs or outputs, so no secret can ride along.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { describeViolation, policyViolationOf } from "./policyPack";

/** A step of the stacks layer itself, around the engine's run. */
export type StackStep = "stack-selected" | "config-written" | "update-started" | "preview-started" | "destroy-started" | "stack-removed";

/** One resource step: what the engine does to which resource. */
export interface ResourceProgress {
  readonly type: "resource-started" | "resource-finished" | "resource-failed";
  readonly urn: string;
  readonly resourceType: string;
  /** The engine's step: create, update, delete, replace, … */
  readonly op: OpType;
}

/** A message of the engine or the program (warnings, errors; debug output is dropped). */
export interface DiagnosticProgress {
  readonly type: "diagnostic";
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  readonly urn?: string;
}

/** The engine's closing summary. */
export interface SummaryProgress {
  readonly type: "summary";
  readonly result: "succeeded" | "failed" | "cancelled";
  /** Resources per step kind, e.g. `{ create: 3, same: 10 }`. */
  readonly resourceChanges: Readonly<Record<string, number>>;
  readonly durationSeconds: number;
}

/** A step of the stacks layer. */
export interface StepProgress {
  readonly type: "step";
  readonly step: StackStep;
}

/** One event of an operation's progress stream. */
export type ProgressEvent = ResourceProgress | DiagnosticProgress | SummaryProgress | StepProgress;

/** Severities kept from engine diagnostics; `debug` is dropped, `info#err` is program stderr, shown as info. */
const SEVERITIES: Readonly<Record<string, DiagnosticProgress["severity"] | undefined>> = {
  info: "info",
  "info#err": "info",
  warning: "warning",
  error: "error",
};

/** The summary's result as the engine reports it (`result` is missing from the SDK's type). */
function summaryResult(summary: object): SummaryProgress["result"] {
  const result = (summary as { result?: unknown }).result;
  return result === "succeeded" || result === "cancelled" ? result : "failed";
}

/**
 * The progress event an engine event stands for, or undefined for events the stream leaves out
 * (the prelude with the config, stdout echo, debug diagnostics, steps that change nothing). A
 * policy pack's finding is a diagnostic: an error when the policy is mandatory, else a warning.
 * `redact` is applied to every message.
 */
export function progressFromEngineEvent(event: EngineEvent, redact: (text: string) => string = (t) => t): ProgressEvent | undefined {
  const resource = (type: ResourceProgress["type"], metadata: { op: OpType; urn: string; type: string }): ResourceProgress | undefined =>
    metadata.op === "same" ? undefined : { type, urn: metadata.urn, resourceType: metadata.type, op: metadata.op };

  if (event.resourcePreEvent) return resource("resource-started", event.resourcePreEvent.metadata);
  if (event.resOutputsEvent) return resource("resource-finished", event.resOutputsEvent.metadata);
  if (event.resOpFailedEvent) {
    const { metadata } = event.resOpFailedEvent;
    return { type: "resource-failed", urn: metadata.urn, resourceType: metadata.type, op: metadata.op };
  }
  if (event.diagnosticEvent) {
    const { severity, message, urn, ephemeral } = event.diagnosticEvent;
    const kept = SEVERITIES[severity];
    const text = redact(message.trim());
    if (kept === undefined || ephemeral || text === "") return undefined;
    return { type: "diagnostic", severity: kept, message: text, ...(urn ? { urn } : {}) };
  }
  const violation = policyViolationOf(event, redact);
  if (violation) {
    const severity = violation.enforcementLevel === "mandatory" ? "error" : "warning";
    return { type: "diagnostic", severity, message: describeViolation(violation), ...(violation.urn ? { urn: violation.urn } : {}) };
  }
  if (event.summaryEvent) {
    const { resourceChanges, durationSeconds } = event.summaryEvent;
    const changes = Object.fromEntries(Object.entries(resourceChanges ?? {}).filter(([, count]) => typeof count === "number")) as Record<string, number>;
    return { type: "summary", result: summaryResult(event.summaryEvent), resourceChanges: changes, durationSeconds };
  }
  return undefined;
}
