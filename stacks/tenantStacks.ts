/**
 * The operations on tenant stacks (`tenant-{id}`, one per tenant): provision, preview, update
 * config, suspend, resume, deprovision, outputs, and the refreshed preview (drift) and update of
 * the fleet commands. Every operation needs the tenant's reservation,
 * so two operations on one tenant never share its stack; a second one is refused with
 * TenantBusyError by `reserve`, never queued.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { assertTenantId, type JsonObject, type OperationTimeBounds } from "../domain";
import type { BaseConfig } from "./baseConfig";
import { replaceStackConfig } from "./configWriter";
import { OperationDeadline, OperationDeadlineError } from "./deadline";
import { settleDeadlineFailure } from "./deadlineFailure";
import { runWithinDeadline } from "./engineDeadline";
import { StackCommandError, TenantStackNotFoundError } from "./errors";
import { TenantLocks, type TenantReservation } from "./locks";
import { OperationRedaction } from "./operationRedaction";
import { PolicyViolationError } from "./policyFailure";
import { runWithPolicyPack, type PolicyRunEngineOptions } from "./policyRun";
import { progressFromEngineEvent, type ProgressEvent, type SummaryProgress } from "./progress";
import { tenantStackConfig, type TenantDesiredState } from "./tenantStackConfig";
import { tenantStackName } from "./stackName";
import { credentialsInDeployment } from "./stateSecrets";
import type { StackWorkspace } from "./workspace";

/** Callbacks and cancellation of one operation. */
export interface OperationHooks {
  /** Receives every progress event; an exception it throws is ignored. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Aborting it cancels the running `pulumi` command. */
  readonly signal?: AbortSignal;
  /**
   * The operation's deadline, when the caller keeps one of its own (the portal bounds its bookkeeping
   * by it too); otherwise each call starts one of FROSTBYTE_OPERATION_DEADLINE_SECONDS.
   */
  readonly deadline?: OperationDeadline;
}

/** Hooks with the operation's deadline set. */
interface TimedHooks extends OperationHooks {
  readonly deadline: OperationDeadline;
}

/** The engine command's options: the policy run's, and the signal that cancels it at the deadline. */
type EngineOptions = PolicyRunEngineOptions & { readonly signal: AbortSignal };

/** How an update, preview or destroy ended. */
export interface StackOperationOutcome {
  /** The engine's closing summary, when it sent one. */
  readonly summary?: SummaryProgress;
  /** The policy packs the engine's summary says it ran (name → version); every up and preview runs policy/. */
  readonly policyPacks?: Readonly<Record<string, string>>;
}

/** How a deprovisioning ended. */
export interface DeprovisionOutcome extends StackOperationOutcome {
  /** False when the tenant had no stack: nothing was destroyed or removed. */
  readonly stackExisted: boolean;
}

/** What a tenant's stack exports that may be shown: its public endpoints (never its credentials). */
export interface TenantStackOutputs {
  readonly endpoints?: JsonObject;
}

/** The `pulumi` subcommand of each engine step. */
const ENGINE_COMMANDS = { "update-started": "up", "preview-started": "preview", "destroy-started": "destroy" } as const;
type EngineStep = keyof typeof ENGINE_COMMANDS;

/** `type "name"` of a resource URN (`urn:pulumi:stack::project::parent$type::name`), for the deadline's error. */
function resourceLabel(urn: string, type: string): string {
  return `${type} "${urn.slice(urn.lastIndexOf("::") + 2)}"`;
}

/** The base config key of the control plane the stack's write-back records into. */
const CONTROL_PLANE_KEY = "frostbyte:controlPlaneDbUrl";

function emit(hooks: OperationHooks, event: ProgressEvent): void {
  try {
    hooks.onProgress?.(event);
  } catch {
    // A listener's failure must not fail the operation.
  }
}

export class TenantStacks {
  private readonly locks = new TenantLocks();

  constructor(
    readonly workspace: StackWorkspace,
    private readonly base: BaseConfig,
    /** Applied to every diagnostic and error message; callers use it for their own texts too. */
    readonly redact: (text: string) => string = (text) => text,
  ) {}

  /** Reserves the tenant for one operation, or throws TenantBusyError; release it when done. */
  reserve(tenantId: string, holder: string): TenantReservation {
    return this.locks.reserve(assertTenantId(tenantId), holder);
  }

  /** Each operation's deadline and the cancelled engine's grace (FROSTBYTE_OPERATION_* settings). */
  get timeBounds(): OperationTimeBounds {
    return this.workspace.settings.timeBounds;
  }

  /** Whether an operation holds the tenant now. */
  isBusy(tenantId: string): boolean {
    return this.locks.isBusy(tenantId);
  }

  /**
   * Refuses (TenantStackNotFoundError, naming the backend) when the tenant has no stack: suspend,
   * resume and rotate change a deployed tenant, and their `up` on a new empty stack (a worker on the
   * wrong backend) would create its stores again.
   */
  async assertDeployed(tenantId: string): Promise<void> {
    const name = tenantStackName(tenantId);
    if (!(await this.workspace.stackNames()).includes(name)) {
      const error = new TenantStackNotFoundError(name);
      error.message = `tenant "${tenantId}" has no stack "${name}" in ${this.redact(this.workspace.settings.backendUrl)}; check the workers' PULUMI_BACKEND_URL / FROSTBYTE_STATE_DIR`;
      throw error;
    }
  }

  /** Creates the tenant's stack when missing and selects it (stack creation is serialised process-wide). */
  createOrSelect(tenantId: string): Promise<Stack> {
    return this.workspace.createOrSelect(tenantStackName(tenantId));
  }

  /** First deployment: create the stack, write the tenant's config, `up`. */
  provision(reservation: TenantReservation, desired: TenantDesiredState, hooks: OperationHooks = {}): Promise<StackOperationOutcome> {
    return this.deploy(reservation, desired, this.timed(hooks));
  }

  /** A changed config: rewrite the stack config, `up`. */
  updateConfig(reservation: TenantReservation, desired: TenantDesiredState, hooks: OperationHooks = {}): Promise<StackOperationOutcome> {
    return this.deploy(reservation, desired, this.timed(hooks));
  }

  /** Sets the tenant's `suspended` flag (every credential disabled, data kept), `up`; the rest of `desired` (config, rotation) is kept. */
  suspend(reservation: TenantReservation, desired: TenantDesiredState, hooks: OperationHooks = {}): Promise<StackOperationOutcome> {
    return this.deploy(reservation, { ...desired, suspended: true }, this.timed(hooks));
  }

  /** Clears the tenant's `suspended` flag, `up`; the rest of `desired` is kept. */
  resume(reservation: TenantReservation, desired: TenantDesiredState, hooks: OperationHooks = {}): Promise<StackOperationOutcome> {
    return this.deploy(reservation, { ...desired, suspended: false }, this.timed(hooks));
  }

  /** What `up` would change, without changing anything but the stack's config file. */
  async preview(reservation: TenantReservation, desired: TenantDesiredState, given: OperationHooks = {}): Promise<StackOperationOutcome> {
    const hooks = this.timed(given);
    const { stack, redaction } = await this.prepare(reservation, desired, hooks);
    return this.engine(reservation, stack, redaction, hooks, "preview-started", (engine) => stack.preview({ color: "never", ...engine }));
  }

  /**
   * Drift: `preview --refresh`, i.e. what `up` would change once the state has been read back from
   * the stores (a change made out of band shows up as a change). The refreshed state is not saved.
   */
  async previewRefreshed(reservation: TenantReservation, desired: TenantDesiredState, given: OperationHooks = {}): Promise<StackOperationOutcome> {
    const hooks = this.timed(given);
    const { stack, redaction } = await this.prepare(reservation, desired, hooks);
    return this.engine(reservation, stack, redaction, hooks, "preview-started", (engine) => stack.preview({ color: "never", refresh: true, ...engine }));
  }

  /** `up --refresh`: converges the stores to the desired state, including what was changed out of band. */
  async updateRefreshed(reservation: TenantReservation, desired: TenantDesiredState, given: OperationHooks = {}): Promise<StackOperationOutcome> {
    const hooks = this.timed(given);
    const { stack, redaction } = await this.prepare(reservation, desired, hooks);
    return this.engine(reservation, stack, redaction, hooks, "update-started", (engine) => stack.up({ color: "never", refresh: true, ...engine }));
  }

  /**
   * `destroy`, then removes the stack and its config file. A tenant without a stack has nothing to
   * destroy: `stackExisted` is false.
   */
  async deprovision(reservation: TenantReservation, given: OperationHooks = {}): Promise<DeprovisionOutcome> {
    this.assertHeld(reservation);
    const hooks = this.timed(given);
    const name = tenantStackName(reservation.tenantId);
    hooks.deadline.assertBefore(`selecting stack "${name}"`);
    let stack: Stack;
    try {
      stack = await this.workspace.select(name);
    } catch (error) {
      if (error instanceof TenantStackNotFoundError) return { stackExisted: false };
      throw error;
    }
    emit(hooks, { type: "step", step: "stack-selected" });
    const redaction = this.redactionFor(stack);
    const outcome = await this.engine(reservation, stack, redaction, hooks, "destroy-started", (engine) =>
      stack.destroy({ color: "never", onEvent: engine.onEvent, signal: engine.signal }),
    );
    await this.workspace.remove(name);
    emit(hooks, { type: "step", step: "stack-removed" });
    return { ...outcome, stackExisted: true };
  }

  /**
   * Clears the stack's lock left by a `pulumi` process that was killed mid-update (`pulumi cancel`).
   * Only safe when nothing else can be updating the stack: the caller holds the tenant's
   * reservation, and no other process runs operations on these stacks.
   */
  async cancelStaleUpdate(reservation: TenantReservation): Promise<void> {
    this.assertHeld(reservation);
    const stack = await this.workspace.select(tenantStackName(reservation.tenantId));
    try {
      await stack.cancel();
    } catch (error) {
      throw this.workspace.translate(error, stack.name);
    }
  }

  /** The tenant's exported endpoints; TenantStackNotFoundError when it has no stack. */
  async outputs(tenantId: string): Promise<TenantStackOutputs> {
    const name = tenantStackName(tenantId);
    const workspace = await this.workspace.get();
    let outputs: Awaited<ReturnType<typeof workspace.stackOutputs>>;
    try {
      outputs = await workspace.stackOutputs(name);
    } catch (error) {
      throw this.workspace.translate(error, name);
    }
    const perTenant: unknown = outputs["tenantOutputs"]?.value;
    const entry = typeof perTenant === "object" && perTenant !== null ? (perTenant as Record<string, { endpoints?: JsonObject }>)[tenantId] : undefined;
    return entry?.endpoints ? { endpoints: entry.endpoints } : {};
  }

  /** `hooks` with the operation's deadline: the caller's, or one that starts now. */
  private timed(hooks: OperationHooks): TimedHooks {
    return { ...hooks, deadline: hooks.deadline ?? new OperationDeadline(this.timeBounds.deadlineSeconds) };
  }

  private assertHeld(reservation: TenantReservation): void {
    if (!this.locks.holds(reservation)) throw new Error(`tenant "${reservation.tenantId}": the reservation was released or belongs to another TenantStacks`);
  }

  /** The redaction of one operation on `stack`: the base config's secrets and every credential the stack's state holds (operationRedaction.ts). */
  private redactionFor(stack: Stack): OperationRedaction {
    return new OperationRedaction(this.redact, async () => credentialsInDeployment((await stack.exportStack()).deployment));
  }

  /** Creates or selects the stack and writes exactly the config the tenant's stack must have. */
  private async prepare(reservation: TenantReservation, desired: TenantDesiredState, hooks: TimedHooks): Promise<{ stack: Stack; redaction: OperationRedaction }> {
    this.assertHeld(reservation);
    const wanted = tenantStackConfig(this.base, reservation.tenantId, desired);
    hooks.deadline.assertBefore(`selecting stack "${tenantStackName(reservation.tenantId)}"`);
    const stack = await this.createOrSelect(reservation.tenantId);
    emit(hooks, { type: "step", step: "stack-selected" });
    const redaction = this.redactionFor(stack);
    hooks.deadline.assertBefore(`writing the config of stack "${stack.name}"`);
    try {
      await replaceStackConfig(stack, wanted);
    } catch (error) {
      throw this.workspace.translate(error, stack.name);
    }
    emit(hooks, { type: "step", step: "config-written" });
    return { stack, redaction };
  }

  private async deploy(reservation: TenantReservation, desired: TenantDesiredState, hooks: TimedHooks): Promise<StackOperationOutcome> {
    const { stack, redaction } = await this.prepare(reservation, desired, hooks);
    return this.engine(reservation, stack, redaction, hooks, "update-started", (engine) => stack.up({ color: "never", ...engine }));
  }

  /**
   * Runs one engine command with its events turned into progress. A failure is reported with the
   * engine's own error diagnostics (the resource's error), redacted, rather than the CLI's output.
   * Events are handled one after the other, each after the operation's redaction has read the
   * state it needs (operationRedaction.ts); the run ends when all have been passed on.
   * Every `up` and `preview` runs the project's policy pack (policyRun.ts): a run a mandatory
   * policy refused fails with the policies' own messages, and after an `up` the tenant is settled
   * FAILED; a destroy runs without it (nothing is created).
   * The command runs under the operation's deadline (engineDeadline.ts); an `up` or destroy cancelled
   * at it leaves the tenant FAILED with the deadline's error (deadlineFailure.ts).
   */
  private async engine(
    reservation: TenantReservation,
    stack: Stack,
    redaction: OperationRedaction,
    hooks: TimedHooks,
    step: EngineStep,
    run: (engine: EngineOptions) => Promise<unknown>,
  ): Promise<StackOperationOutcome> {
    const errors: string[] = [];
    let summary: SummaryProgress | undefined;
    let policyPacks: StackOperationOutcome["policyPacks"];
    let handled: Promise<void> = Promise.resolve();
    const command = ENGINE_COMMANDS[step];
    // Resources the engine has started and not yet finished, by URN: what a deadline's error names.
    const inFlight = new Map<string, string>();
    const handle = async (event: EngineEvent): Promise<void> => {
      await redaction.before(event);
      const progress = progressFromEngineEvent(event, redaction.redact);
      if (progress === undefined) return;
      if (progress.type === "diagnostic" && progress.severity === "error") errors.push(progress.message);
      if (progress.type === "summary") summary = progress;
      emit(hooks, progress);
    };
    const onEvent = (event: EngineEvent): void => {
      const started = event.resourcePreEvent?.metadata;
      if (started && started.op !== "same") inFlight.set(started.urn, resourceLabel(started.urn, started.type));
      const ended = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
      if (ended) inFlight.delete(ended.urn);
      handled = handled.then(() => handle(event)).catch(() => undefined);
    };
    const during = () => `the ${command} of stack "${stack.name}"${inFlight.size > 0 ? ` (in flight: ${[...inFlight.values()].join(", ")})` : ""}`;
    let engineStarted = false;
    const timedRun = (engine: PolicyRunEngineOptions) =>
      runWithinDeadline(
        {
          deadline: hooks.deadline,
          cancelGraceMs: this.timeBounds.cancelGraceSeconds * 1000,
          stackName: stack.name,
          command,
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          during,
          // A preview takes no lock.
          ...(command === "preview" ? {} : { releaseLock: () => stack.cancel() }),
        },
        (signal) => {
          engineStarted = true;
          return run({ ...engine, signal });
        },
      );
    emit(hooks, { type: "step", step });
    try {
      if (command === "destroy") {
        await timedRun({ policyPacks: [], onEvent });
      } else {
        const what = `${command} of stack "${stack.name}"`;
        const settle = command === "up" ? { controlPlaneDbUrl: this.base.values[CONTROL_PLANE_KEY], tenantIds: [reservation.tenantId] } : undefined;
        const workDir = this.workspace.settings.workDir;
        ({ policyPacks } = await runWithPolicyPack({ what, projectDir: workDir, redact: redaction.redact, onEvent, ...(settle ? { settle } : {}) }, timedRun));
      }
      await handled;
    } catch (error) {
      await handled;
      await redaction.beforeError();
      const failure = this.failure(error, stack, redaction, errors);
      if (failure instanceof OperationDeadlineError && engineStarted && command !== "preview") await this.settleDeadline(reservation.tenantId, stack.name, command, failure);
      throw failure;
    }
    return { ...(summary ? { summary } : {}), ...(policyPacks ? { policyPacks } : {}) };
  }

  /**
   * Records the deadline's failure on the tenant (deadlineFailure.ts); when the registry cannot take
   * it, the error says so (the portal settles its operations itself as well).
   */
  private async settleDeadline(tenantId: string, stackName: string, command: "up" | "destroy", failure: OperationDeadlineError): Promise<void> {
    const controlPlaneDbUrl = this.base.values[CONTROL_PLANE_KEY];
    let problem: string | undefined;
    try {
      if (controlPlaneDbUrl === undefined) throw new Error(`the stack config names no control plane (${CONTROL_PLANE_KEY})`);
      await settleDeadlineFailure(controlPlaneDbUrl, { tenantId, stackName, command, error: failure.message });
    } catch (error) {
      problem = this.redact(error instanceof Error ? error.message : String(error));
    }
    if (problem !== undefined) failure.message = `${failure.message} (the registry could not record the failure: ${problem})`;
  }

  /**
   * The error an engine command ends with: the engine's error diagnostics when the CLI failed (a
   * policy refusal keeps its own error and violations), else the translated error; its text redacted with everything the operation has learnt, and without
   * the Automation API's error (with the CLI's unredacted output) as its cause.
   */
  private failure(error: unknown, stack: Stack, redaction: OperationRedaction, errors: readonly string[]): unknown {
    const translated = error instanceof PolicyViolationError ? error : this.workspace.translate(error, stack.name);
    if (translated instanceof StackCommandError && !(translated instanceof PolicyViolationError)) {
      return new StackCommandError(redaction.redact(errors.length > 0 ? [...new Set(errors)].join("; ") : translated.message));
    }
    if (translated instanceof Error) {
      translated.message = redaction.redact(translated.message);
      delete (translated as { cause?: unknown }).cause;
    }
    return translated;
  }
}
