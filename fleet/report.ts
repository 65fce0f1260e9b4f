/** What a fleet run prints, and how it exits (pure). */
import type { FleetCommand, FleetResult } from "./command";

/** The report of one tenant. */
export interface TenantReport {
  readonly tenantId: string;
  readonly result: FleetResult;
  /** Resources changed (up) or to be changed (preview, drift); absent when it failed or was skipped. */
  readonly changes?: number;
  /** E.g. `update 1, create 2`. */
  readonly breakdown?: string;
  /** How long its operation ran on a worker (queue wait excluded); absent when it did not run. */
  readonly durationMs?: number;
  /** First line of the error (failed), why it was skipped, or why it was not run (unchanged). */
  readonly message?: string;
}

/** `0.4s`, `12.3s`, `2m05s`. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The line printed when a tenant's operation starts. */
export function startedLine(command: FleetCommand, tenantId: string): string {
  return `${tenantId}: ${command} started\n`;
}

/** The line printed when a tenant finishes (or is skipped). */
export function finishedLine(report: TenantReport): string {
  const duration = report.durationMs === undefined ? "" : ` in ${formatDuration(report.durationMs)}`;
  if (report.result === "skipped") return `${report.tenantId}: skipped (${report.message ?? "nothing to act on"})\n`;
  if (report.result === "failed") return `${report.tenantId}: failed${duration}: ${report.message ?? "unknown error"}\n`;
  const changes = report.changes ?? 0;
  const detail = report.breakdown ? `: ${report.breakdown}` : "";
  return `${report.tenantId}: ${report.result} (${plural(changes, "change")}${detail})${duration}\n`;
}

/** Longest message shown in the table; the progress line has it whole. */
export const MAX_TABLE_MESSAGE = 100;

/** Header and one row per tenant: tenant, result, changes, duration, message (error's first line, or why skipped). */
export function summaryRows(reports: readonly TenantReport[]): string[][] {
  const header = ["TENANT", "RESULT", "CHANGES", "DURATION", "MESSAGE"];
  const rows = reports.map((report) => {
    const message = report.message ?? "";
    return [
      report.tenantId,
      report.result,
      report.changes === undefined ? "-" : String(report.changes),
      report.durationMs === undefined ? "-" : formatDuration(report.durationMs),
      message.length > MAX_TABLE_MESSAGE ? `${message.slice(0, MAX_TABLE_MESSAGE - 1)}…` : message,
    ];
  });
  return [header, ...rows];
}

const RESULT_ORDER: readonly FleetResult[] = ["changed", "unchanged", "drifted", "failed", "skipped"];

/** Counts per result, e.g. `1 changed, 2 unchanged, 1 failed, 1 skipped` (results that occur only). */
export function resultCounts(reports: readonly TenantReport[]): string {
  const counts = RESULT_ORDER.map((result) => [result, reports.filter((report) => report.result === result).length] as const);
  const present = counts.filter(([, count]) => count > 0);
  return present.length === 0 ? "no tenants" : present.map(([result, count]) => `${count} ${result}`).join(", ");
}

/** How a fleet run ends: 1 when any tenant failed, 2 when none failed but some drifted, 0 otherwise. */
export interface FleetExit {
  readonly code: 0 | 1 | 2;
  /** The one error line for a non-zero code. */
  readonly message?: string;
}

export function fleetExit(command: FleetCommand, reports: readonly TenantReport[]): FleetExit {
  const acted = reports.filter((report) => report.result !== "skipped").length;
  const ids = (result: FleetResult) => reports.filter((report) => report.result === result).map((report) => report.tenantId);
  const failed = ids("failed");
  const drifted = ids("drifted");
  if (failed.length === 0 && drifted.length === 0) return { code: 0 };
  const parts = [
    ...(failed.length > 0 ? [`${failed.length} failed (${failed.join(", ")})`] : []),
    ...(drifted.length > 0 ? [`${drifted.length} drifted (${drifted.join(", ")})`] : []),
  ];
  return { code: failed.length > 0 ? 1 : 2, message: `fleet ${command}: of ${plural(acted, "tenant")}, ${parts.join(" and ")}` };
}
