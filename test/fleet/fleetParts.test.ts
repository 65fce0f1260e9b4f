/**
 * The pure parts of `frostbyte fleet`: which tenants are acted on, how an engine summary is
 * classified, the progress lines, the summary table and the exit rule.
 */
import { describe, expect, it } from "vitest";
import { formatTable } from "../../cli/commands/tenant";
import {
  changeCount,
  classifyOutcome,
  errorFirstLine,
  finishedLine,
  fleetExit,
  formatDuration,
  planFleet,
  resultCounts,
  startedLine,
  summaryRows,
  type TenantReport,
} from "../../fleet";
import { StackCommandError, StackConflictError, TenantBusyError } from "../../stacks";
import { tenant } from "./support";

const summary = (resourceChanges: Record<string, number>, result: "succeeded" | "failed" | "cancelled" = "succeeded") => ({
  summary: { type: "summary" as const, result, resourceChanges, durationSeconds: 3 },
});

describe("planFleet: which registry tenants a fleet command acts on", () => {
  const tenants = [
    tenant("acme", "ACTIVE"),
    tenant("globex", "SUSPENDED"),
    tenant("initech", "FAILED"),
    tenant("hooli", "PENDING"),
    tenant("umbrella", "PROVISIONING"),
    tenant("stark", "DEPROVISIONING"),
    tenant("wayne", "DEPROVISIONED"),
    tenant("cyberdyne", "ACTIVE"),
    tenant("tyrell", "ACTIVE"),
  ];
  const stacks = ["tenant-acme", "tenant-globex", "tenant-initech", "tenant-umbrella", "tenant-wayne", "tenant-tyrell", "tenant-ghost", "dev"];
  const plan = planFleet(tenants, stacks, new Map([["tyrell", "update_config 0c1f running"]]));

  it("runs ACTIVE, SUSPENDED, FAILED and PROVISIONING tenants that have a stack, in registry order", () => {
    expect(plan.entries.filter((e) => e.kind === "run").map((e) => (e.kind === "run" ? e.tenant.tenantId : ""))).toEqual(["acme", "globex", "initech", "umbrella"]);
  });

  it("refuses a PROVISIONING tenant the portal is provisioning as busy, and skips one without a stack", () => {
    const provisioning = [tenant("umbrella", "PROVISIONING"), tenant("oscorp", "PROVISIONING")];
    expect(planFleet(provisioning, ["tenant-umbrella"], new Map([["umbrella", "create 9a2b running"]])).entries).toEqual([
      { kind: "busy", tenantId: "umbrella", reason: "busy: operation create 9a2b running" },
      { kind: "skip", tenantId: "oscorp", reason: "PROVISIONING, but no stack tenant-oscorp in the backend" },
    ]);
  });

  it("skips the other states and tenants without a stack, saying why", () => {
    const skipped = Object.fromEntries(plan.entries.flatMap((e) => (e.kind === "skip" ? [[e.tenantId, e.reason]] : [])));
    expect(skipped).toEqual({
      hooli: "PENDING: not provisioned yet (the portal provisions it)",
      stark: "DEPROVISIONING: being destroyed (pulumi destroy on its stack finishes it)",
      wayne: "DEPROVISIONED: no stack to act on",
      cyberdyne: "ACTIVE, but no stack tenant-cyberdyne in the backend",
    });
  });

  it("refuses a tenant the portal is working on as busy, without running it", () => {
    expect(plan.entries.find((e) => e.kind === "busy")).toEqual({ kind: "busy", tenantId: "tyrell", reason: "busy: operation update_config 0c1f running" });
  });

  it("names tenant stacks no tenant with a stack accounts for (a DEPROVISIONED tenant's, an unknown id's), never other stacks", () => {
    expect(plan.strayStacks).toEqual(["tenant-ghost", "tenant-wayne"]);
  });

  it("an empty registry plans nothing", () => {
    expect(planFleet([], [])).toEqual({ entries: [], strayStacks: [] });
  });
});

describe("classifyOutcome: changed, unchanged, drifted, failed", () => {
  it("counts every step kind but same (and refresh/read) as a change", () => {
    expect(changeCount({ same: 20 })).toBe(0);
    expect(changeCount({ same: 18, update: 1, create: 2 })).toBe(3);
    expect(changeCount({ same: 3, refresh: 5, read: 1 })).toBe(0);
    expect(changeCount({})).toBe(0);
  });

  it("preview and up: changes are changed; drift: changes are drifted; none is unchanged", () => {
    expect(classifyOutcome("preview", summary({ same: 19, update: 1 }))).toEqual({ result: "changed", changes: 1, breakdown: "update 1" });
    expect(classifyOutcome("up", summary({ same: 17, create: 2, delete: 1 }))).toEqual({ result: "changed", changes: 3, breakdown: "create 2, delete 1" });
    expect(classifyOutcome("drift", summary({ same: 19, update: 1 }))).toEqual({ result: "drifted", changes: 1, breakdown: "update 1" });
    for (const command of ["preview", "up", "drift"] as const) expect(classifyOutcome(command, summary({ same: 20 }))).toEqual({ result: "unchanged", changes: 0, breakdown: "" });
  });

  it("no summary, or a summary that did not succeed, is a failure (never unchanged: that would hide drift)", () => {
    expect(classifyOutcome("drift", {})).toEqual({ result: "failed", error: "the engine sent no summary" });
    expect(classifyOutcome("up", summary({ same: 20 }, "cancelled"))).toEqual({ result: "failed", error: "the engine reported cancelled" });
  });

  it("errorFirstLine: a locked stack and a busy tenant say busy; others give their first line", () => {
    expect(errorFirstLine(new StackConflictError("tenant-acme", "locked"))).toBe("busy: locked by another process");
    expect(errorFirstLine(new TenantBusyError("acme", "fleet up"))).toBe('busy: tenant "acme" already has an operation in progress (fleet up); try again when it has finished');
    expect(errorFirstLine(new StackCommandError("\n  postgresql: connection refused\nmore detail"))).toBe("postgresql: connection refused");
    expect(errorFirstLine("plain")).toBe("plain");
  });
});

describe("progress lines, summary table and exit code", () => {
  const reports: TenantReport[] = [
    { tenantId: "acme", result: "drifted", changes: 1, breakdown: "update 1", durationMs: 22_049 },
    { tenantId: "globex", result: "unchanged", changes: 0, breakdown: "", durationMs: 21_300 },
    { tenantId: "initech", result: "failed", durationMs: 3_120, message: "busy: locked by another process" },
    { tenantId: "hooli", result: "skipped", message: "PENDING: not provisioned yet (the portal provisions it)" },
  ];

  it("formats durations", () => {
    expect([formatDuration(400), formatDuration(12_345), formatDuration(59_949), formatDuration(125_000)]).toEqual(["0.4s", "12.3s", "59.9s", "2m05s"]);
  });

  it("prints one line when a tenant starts and one when it finishes, with result, changes and duration", () => {
    expect(startedLine("drift", "acme")).toBe("acme: drift started\n");
    expect(reports.map(finishedLine)).toEqual([
      "acme: drifted (1 change: update 1) in 22.0s\n",
      "globex: unchanged (0 changes) in 21.3s\n",
      "initech: failed in 3.1s: busy: locked by another process\n",
      "hooli: skipped (PENDING: not provisioned yet (the portal provisions it))\n",
    ]);
  });

  it("tabulates tenant, result, changes, duration and message", () => {
    expect(formatTable(summaryRows(reports))).toBe(
      [
        "TENANT   RESULT     CHANGES  DURATION  MESSAGE",
        "acme     drifted    1        22.0s     ",
        "globex   unchanged  0        21.3s     ",
        "initech  failed     -        3.1s      busy: locked by another process",
        "hooli    skipped    -        -         PENDING: not provisioned yet (the portal provisions it)",
        "",
      ].join("\n"),
    );
    expect(resultCounts(reports)).toBe("1 unchanged, 1 drifted, 1 failed, 1 skipped");
    expect(resultCounts([])).toBe("no tenants");
  });

  it("cuts a long message in the table to 100 characters", () => {
    const long = { tenantId: "acme", result: "failed" as const, durationMs: 1, message: "x".repeat(300) };
    expect(summaryRows([long])[1]?.[4]).toBe(`${"x".repeat(99)}…`);
  });

  it("exits 1 when any tenant failed, 2 when some drifted and none failed, 0 otherwise (skipped and changed are fine)", () => {
    expect(fleetExit("drift", reports)).toEqual({ code: 1, message: "fleet drift: of 3 tenants, 1 failed (initech) and 1 drifted (acme)" });
    expect(fleetExit("drift", reports.filter((r) => r.result !== "failed"))).toEqual({ code: 2, message: "fleet drift: of 2 tenants, 1 drifted (acme)" });
    expect(fleetExit("up", [{ tenantId: "acme", result: "changed", changes: 3, durationMs: 1 }, reports[3]!])).toEqual({ code: 0 });
    expect(fleetExit("preview", [])).toEqual({ code: 0 });
  });
});
