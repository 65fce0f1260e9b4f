/**
 * One engine command under the operation's deadline. When the deadline passes, the command is
 * cancelled as `pulumi` itself understands it: SIGINT (through the Automation API's signal; the
 * engine finishes the steps it has started and stops), after the cancel grace SIGTERM (the engine
 * terminates, its plugins with it), 10 s later SIGKILL to the command and every process below it.
 * Whatever of the engine's process tree outlives the command is killed, and after a forced stop the
 * stack's lock is cleared (`pulumi cancel`): a DIY backend's lock has no expiry, and a killed
 * `pulumi` leaves it behind (pulumi/pulumi#9253). The command then fails with OperationDeadlineError.
 */
import type { OperationDeadline } from "./deadline";
import { findEngineCommand, isAlive, processTree, signalProcesses, type EngineProcess } from "./engineProcesses";

/** How long a terminated engine (SIGTERM) may take to exit before it is killed. */
const TERMINATE_GRACE_MS = 10_000;
/** How long killed processes may take to disappear. */
const KILL_WAIT_MS = 5_000;

export interface DeadlineRunOptions {
  readonly deadline: OperationDeadline;
  /** FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS, in milliseconds. */
  readonly cancelGraceMs: number;
  readonly stackName: string;
  /** The `pulumi` subcommand the run starts (it finds the process by it). */
  readonly command: "up" | "preview" | "destroy";
  /** The caller's own cancellation (a portal shutting down), passed on to the engine as it is. */
  readonly signal?: AbortSignal;
  /** What runs at this moment, as the error names it. */
  readonly during: () => string;
  /** Clears the stack's lock; called when the engine had to be terminated or killed. */
  readonly releaseLock?: () => Promise<void>;
}

async function waitUntilGone(processes: readonly EngineProcess[]): Promise<boolean> {
  const until = Date.now() + KILL_WAIT_MS;
  while (processes.some(isAlive)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Runs `run` with a signal that aborts at the deadline (or with `options.signal`). A run that ends
 * after its deadline passed fails with OperationDeadlineError, unless it succeeded all the same.
 */
export async function runWithinDeadline<T>(options: DeadlineRunOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { deadline } = options;
  deadline.assertBefore(options.during());
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener("abort", forward, { once: true });

  const seen = new Map<number, EngineProcess>();
  const remember = (): EngineProcess | undefined => {
    const command = findEngineCommand(options.stackName, options.command);
    if (command) for (const member of processTree(command)) seen.set(member.pid, member);
    return command;
  };
  let passedDuring: string | undefined;
  let forced: "terminated" | "killed" | undefined;
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, action: () => void) => timers.push(setTimeout(action, ms));

  later(deadline.remainingMs(), () => {
    passedDuring = options.during();
    remember();
    controller.abort(deadline.error(passedDuring));
    later(options.cancelGraceMs, () => {
      const command = remember();
      if (command && signalProcesses([command], "SIGTERM").length > 0) forced = "terminated";
      later(TERMINATE_GRACE_MS, () => {
        remember();
        if (signalProcesses([...seen.values()], "SIGKILL").length > 0) forced = "killed";
      });
    });
  });

  try {
    return await run(controller.signal);
  } catch (error) {
    if (passedDuring === undefined) throw error;
    throw await afterDeadline(options, passedDuring, [...seen.values()], forced);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener("abort", forward);
  }
}

/** Kills what is left of the engine, clears the lock after a forced stop, and says what it took. */
async function afterDeadline(options: DeadlineRunOptions, during: string, seen: readonly EngineProcess[], forced: "terminated" | "killed" | undefined): Promise<Error> {
  const notes: string[] = [];
  if (forced) notes.push(`the engine did not stop within ${options.cancelGraceMs / 1000} s of its cancellation and was ${forced}`);
  const leftOver = signalProcesses(seen, "SIGKILL");
  if (leftOver.length > 0) notes.push(`${leftOver.length} of its processes that outlived it were killed`);
  if (!(await waitUntilGone(seen))) notes.push("some of its processes could not be killed");
  if ((forced || leftOver.length > 0) && options.releaseLock) {
    try {
      await options.releaseLock();
      notes.push("the stack's lock was cleared");
    } catch (error) {
      notes.push(`the stack's lock could not be cleared (${error instanceof Error ? error.message : String(error)}); run pulumi cancel on the stack`);
    }
  }
  return options.deadline.error(during, notes.join("; ") || undefined);
}
