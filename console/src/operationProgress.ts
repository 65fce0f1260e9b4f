/** What an operation's progress events add up to: each resource's state, the steps, the diagnostics, the summary. */
import type { ProgressEvent } from "./api/types";

export type ResourceStatus = "running" | "done" | "failed";

export interface ResourceProgress {
  readonly urn: string;
  readonly resourceType: string;
  readonly op: string;
  readonly status: ResourceStatus;
}

type Diagnostic = Extract<ProgressEvent, { type: "diagnostic" }>;
type Summary = Extract<ProgressEvent, { type: "summary" }>;

export interface Progress {
  /** By URN, in the order the resources started. */
  readonly resources: ReadonlyMap<string, ResourceProgress>;
  readonly steps: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: Summary | undefined;
  /** The last sequence number applied: a replayed event is not applied twice. */
  readonly seq: number;
}

export const NO_PROGRESS: Progress = { resources: new Map(), steps: [], diagnostics: [], summary: undefined, seq: 0 };

const STATUS_OF = { "resource-started": "running", "resource-finished": "done", "resource-failed": "failed" } as const;

export function applyProgress(progress: Progress, seq: number, event: ProgressEvent): Progress {
  if (seq <= progress.seq) return progress;
  const next = { ...progress, seq };
  switch (event.type) {
    case "resource-started":
    case "resource-finished":
    case "resource-failed": {
      const resources = new Map(progress.resources);
      resources.set(event.urn, { urn: event.urn, resourceType: event.resourceType, op: event.op, status: STATUS_OF[event.type] });
      return { ...next, resources };
    }
    case "step":
      return { ...next, steps: [...progress.steps, event.step] };
    case "diagnostic":
      return { ...next, diagnostics: [...progress.diagnostics, event] };
    case "summary":
      return { ...next, summary: event };
  }
}

/** A URN's resource name: its last `::` part. */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2) || urn;
}
