/**
 * `frostbyte fleet preview|up|drift` (DESIGN §9): one operation per registry tenant's stack
 * (`tenant-{id}`), enqueued on the control plane's job queue and run by the workers, a few at a
 * time; a progress line per tenant, a summary table, and a non-zero exit on failure or drift.
 * `fleet preview` skips tenants whose deployment fingerprint is unchanged since their last `up`.
 */
export { COMMAND_DESCRIPTIONS, FLEET_COMMANDS, FLEET_OPERATION_KINDS, type FleetCommand, type FleetResult } from "./command";
export { changeBreakdown, changeCount, classifyOperation, classifyOutcome, errorFirstLine, type Classified } from "./outcome";
export { runFleetOnQueue, type FleetQueue, type QueueRunOptions } from "./queueRun";
export { fleetExit, finishedLine, formatDuration, MAX_TABLE_MESSAGE, resultCounts, startedLine, summaryRows, type FleetExit, type TenantReport } from "./report";
export { ACTED_ON_STATES, planFleet, type FleetEntry, type FleetPlan } from "./selection";
export { splitUnchanged, type PreviewSplit } from "./previewSkip";
export { unchangedSinceApplied } from "./skip";
