/**
 * `frostbyte fleet preview|up|drift` (DESIGN §9): one operation on every registry tenant's stack
 * (`tenant-{id}`), with bounded concurrency, a progress line per tenant, a summary table, and a
 * non-zero exit on failure or drift.
 */
export { COMMAND_DESCRIPTIONS, FLEET_COMMANDS, type FleetCommand, type FleetResult } from "./command";
export { fleetOperation, type FleetOperationOptions } from "./operation";
export { changeBreakdown, changeCount, classifyOutcome, errorFirstLine, type Classified } from "./outcome";
export { fleetExit, finishedLine, formatDuration, MAX_TABLE_MESSAGE, resultCounts, startedLine, summaryRows, type FleetExit } from "./report";
export { runFleet, type RunFleetOptions, type TenantOperation, type TenantReport } from "./runner";
export { ACTED_ON_STATES, planFleet, type FleetEntry, type FleetPlan } from "./selection";
