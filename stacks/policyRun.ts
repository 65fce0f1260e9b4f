/**
 * One `up` or `preview` with the project's policy pack, the way every caller runs it (tenant stacks,
 * local sandbox, benchmarks): the pack is always passed, the run's events are watched for the
 * engine's verdict, a refused run fails with the policies' own messages (after an `up`, the
 * tenants it left PROVISIONING are settled FAILED), and a run whose summary names no pack fails.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { PolicyViolationError, settlePolicyFailure } from "./policyFailure";
import { policyPackDir, PolicyWatch, type PolicyViolation } from "./policyPack";

/** What the engine command is given: pass both into `stack.up()` / `stack.preview()`. */
export interface PolicyRunEngineOptions {
  readonly policyPacks: string[];
  readonly onEvent: (event: EngineEvent) => void;
}

/** Options of {@link runWithPolicyPack}. */
export interface PolicyRunOptions {
  /** Names the run in errors, e.g. `up of stack "tenant-acme"`. */
  readonly what: string;
  /** The project whose `policy/` runs (default: the project of this compiled code). */
  readonly projectDir?: string;
  /** Applied to every policy message and error text. */
  readonly redact?: (text: string) => string;
  /** Every engine event, after the policy watch has seen it. */
  readonly onEvent?: (event: EngineEvent) => void;
  /** For an `up`: the control plane and the tenants of the stack, settled when a policy refuses the run. */
  readonly settle?: { readonly controlPlaneDbUrl: string | undefined; readonly tenantIds: readonly string[] };
}

/** How a checked run ended: its result, and the packs the engine's summary names. */
export interface PolicyRunResult<T> {
  readonly result: T;
  readonly policyPacks?: Readonly<Record<string, string>>;
}

/** Settles the refused run's tenants; returns why that failed (redacted), or undefined. */
async function settleOrExplain(settle: NonNullable<PolicyRunOptions["settle"]>, violations: readonly PolicyViolation[], redact: (text: string) => string): Promise<string | undefined> {
  try {
    if (settle.controlPlaneDbUrl === undefined) throw new Error("the stack config names no control plane (frostbyte:controlPlaneDbUrl)");
    await settlePolicyFailure(settle.controlPlaneDbUrl, settle.tenantIds, violations);
    return undefined;
  } catch (error) {
    return redact(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs `run` with the policy pack. A failure without a mandatory violation is rethrown as it came;
 * one with violations becomes a {@link PolicyViolationError}.
 */
export async function runWithPolicyPack<T>(options: PolicyRunOptions, run: (engine: PolicyRunEngineOptions) => Promise<T>): Promise<PolicyRunResult<T>> {
  const redact = options.redact ?? ((text: string) => text);
  const policyPacks = [policyPackDir(options.projectDir)];
  const watch = new PolicyWatch(redact);
  const onEvent = (event: EngineEvent): void => {
    watch.observe(event);
    options.onEvent?.(event);
  };
  let result: T;
  try {
    result = await run({ policyPacks, onEvent });
  } catch (error) {
    const violations = watch.mandatory;
    if (violations.length === 0) throw error;
    throw new PolicyViolationError(violations, options.settle ? await settleOrExplain(options.settle, violations, redact) : undefined, { cause: error });
  }
  watch.assertPackRan(options.what);
  return { result, ...(watch.packs ? { policyPacks: watch.packs } : {}) };
}
