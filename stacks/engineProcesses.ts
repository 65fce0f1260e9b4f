/**
 * The engine's processes as Linux's /proc shows them: the `pulumi` command the Automation API started
 * for one stack (a child of this process, found by its arguments), and everything below it (the
 * language host, the program, the provider plugins, the policy analyzer). Each is remembered with its
 * start time, so a signal never reaches a later process that got the same id.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/** One process, as seen once. */
export interface EngineProcess {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): tells a reused pid apart. */
  readonly startTime: string;
}

interface ProcessEntry extends EngineProcess {
  readonly parent: number;
  /** Field 3: `Z` for a zombie, which has ended but was not yet reaped. */
  readonly state: string;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [state, parentField] = fields;
    const parent = Number(parentField);
    const startTime = fields[19];
    if (state === undefined || !Number.isInteger(parent) || startTime === undefined) return undefined;
    return { pid, parent, startTime, state };
  } catch {
    return undefined; // it ended while we looked
  }
}

function allEntries(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return []; // no procfs: nothing to find (the cancellation by signal still works)
  }
  return names.filter((name) => /^\d+$/.test(name)).flatMap((name) => readEntry(Number(name)) ?? []);
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
  } catch {
    return [];
  }
}

/** The `pulumi <command> … --stack <stackName>` this process runs now, if any. */
export function findEngineCommand(stackName: string, command: string): EngineProcess | undefined {
  return allEntries().find((entry) => {
    if (entry.parent !== process.pid) return false;
    const argv = argvOf(entry.pid);
    const stackAt = argv.indexOf("--stack");
    return basename(argv[0] ?? "") === "pulumi" && argv[1] === command && stackAt > 0 && argv[stackAt + 1] === stackName;
  });
}

/** The process `pid` as it runs now (a zombie counts as gone). */
export function processNow(pid: number): EngineProcess | undefined {
  const entry = readEntry(pid);
  return entry === undefined || entry.state === "Z" ? undefined : { pid, startTime: entry.startTime };
}

/** `root` and every process below it now, parents first. */
export function processTree(root: EngineProcess): EngineProcess[] {
  const entries = allEntries();
  if (!isAlive(root)) return [];
  const tree: EngineProcess[] = [root];
  for (let frontier = [root.pid]; frontier.length > 0; ) {
    const next = entries.filter((entry) => frontier.includes(entry.parent));
    tree.push(...next.map(({ pid, startTime }) => ({ pid, startTime })));
    frontier = next.map((entry) => entry.pid);
  }
  return tree;
}

/** Whether the very process seen earlier still runs (a zombie counts as gone). */
export function isAlive(target: EngineProcess): boolean {
  const entry = readEntry(target.pid);
  return entry !== undefined && entry.startTime === target.startTime && entry.state !== "Z";
}

/** Sends `signal` to each process that is still the one seen; returns those it reached. */
export function signalProcesses(processes: readonly EngineProcess[], signal: NodeJS.Signals): EngineProcess[] {
  return processes.filter((target) => {
    if (!isAlive(target)) return false;
    try {
      process.kill(target.pid, signal);
      return true;
    } catch {
      return false;
    }
  });
}
