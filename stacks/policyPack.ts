/**
 * The project's CrossGuard policy pack (`policy/`, frostbyte-isolation) on every engine run: one
 * function finds its directory for every `up` and `preview` the project runs (tenant stacks, local
 * sandbox, benchmarks), and one watcher reads the engine's verdict from the run's events.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { StackSettingsError } from "./errors";
import { findProjectDir } from "./settings";

/** The pack's folder in the project directory. */
export const POLICY_PACK_FOLDER = "policy";

/**
 * The policy pack of the project in `projectDir` (default: the project of this compiled code),
 * checked to be runnable: `PulumiPolicy.yaml` is there and `package.json`'s `main` (the pack
 * precompiled into `bin/policy/` by `npm run build`) exists. The pack needs no install of its own:
 * Node resolves `@pulumi/policy` from the project's `node_modules`.
 */
export function policyPackDir(projectDir: string = findProjectDir()): string {
  const dir = join(resolve(projectDir), POLICY_PACK_FOLDER);
  if (!existsSync(join(dir, "PulumiPolicy.yaml"))) {
    throw new StackSettingsError(`${dir} holds no PulumiPolicy.yaml; every up and preview runs the project's policy pack from there`);
  }
  let main: unknown;
  try {
    main = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { main?: unknown }).main;
  } catch (error) {
    throw new StackSettingsError(`policy pack ${dir}: package.json cannot be read (${(error as Error).message})`);
  }
  if (typeof main !== "string" || main === "") throw new StackSettingsError(`policy pack ${dir}: package.json has no "main"`);
  const entry = resolve(dir, main);
  if (!existsSync(entry)) throw new StackSettingsError(`policy pack ${dir} is not built: ${entry} is missing; run npm run build`);
  return dir;
}

/** One policy's finding on one run, as the engine reported it. */
export interface PolicyViolation {
  /** `name@version` of the pack. */
  readonly policyPack: string;
  readonly policy: string;
  /** `mandatory` violations fail the run; the others are only reported. */
  readonly enforcementLevel: string;
  /** The policy's own message. */
  readonly message: string;
  readonly urn?: string;
}

/** A violation in one line: the policy, its pack, and the policy's own message. */
export function describeViolation(violation: PolicyViolation): string {
  return `policy ${violation.policy} (${violation.policyPack}, ${violation.enforcementLevel}): ${violation.message}`;
}

/**
 * The policy's own message in an engine policy event: the engine sends the policy's description on
 * the first line and the message after it; lines are folded into one.
 */
export function policyMessageOf(engineMessage: string): string {
  const newline = engineMessage.indexOf("\n");
  const rest = newline < 0 ? "" : engineMessage.slice(newline + 1).trim();
  return (rest === "" ? engineMessage.trim() : rest).replace(/\s*\n\s*/g, " ");
}

/** The policy event an engine event carries, as a violation, or undefined. */
export function policyViolationOf(event: EngineEvent, redact: (text: string) => string = (text) => text): PolicyViolation | undefined {
  const policy = event.policyEvent;
  if (!policy) return undefined;
  const version = policy.policyPackVersionTag || policy.policyPackVersion;
  return {
    // As the CLI shows it: frostbyte-isolation@v0.1.0.
    policyPack: `${policy.policyPackName}@${version.startsWith("v") ? version : `v${version}`}`,
    policy: policy.policyName,
    enforcementLevel: policy.enforcementLevel,
    message: redact(policyMessageOf(policy.message)),
    ...(policy.resourceUrn ? { urn: policy.resourceUrn } : {}),
  };
}

/**
 * The packs the engine's summary says it ran, name → version, or undefined for any other event.
 * The engine's JSON key is PascalCase (`PolicyPacks`) and each name carries `|local|<directory>`
 * for a local pack; only the pack's name is kept.
 */
export function policyPacksOf(event: EngineEvent): Readonly<Record<string, string>> | undefined {
  const summary = event.summaryEvent as (object & { policyPacks?: unknown; PolicyPacks?: unknown }) | undefined;
  if (!summary) return undefined;
  const packs = summary.PolicyPacks ?? summary.policyPacks;
  if (typeof packs !== "object" || packs === null) return {};
  return Object.fromEntries(Object.entries(packs as Record<string, unknown>).map(([key, version]) => [key.split("|")[0] ?? key, String(version)]));
}

/** Watches one run's events: the policy violations, and the packs the closing summary names. */
export class PolicyWatch {
  private readonly found: PolicyViolation[] = [];
  private ran?: Readonly<Record<string, string>>;

  constructor(private readonly redact: (text: string) => string = (text) => text) {}

  /** Pass every engine event of the run. */
  readonly observe = (event: EngineEvent): void => {
    const violation = policyViolationOf(event, this.redact);
    if (violation) this.found.push(violation);
    this.ran = policyPacksOf(event) ?? this.ran;
  };

  /** The violations that fail the run. */
  get mandatory(): PolicyViolation[] {
    return this.found.filter((violation) => violation.enforcementLevel === "mandatory");
  }

  /** What the summary said ran, or undefined before it arrived. */
  get packs(): Readonly<Record<string, string>> | undefined {
    return this.ran;
  }

  /**
   * Throws unless the summary names a policy pack: a run that reached its summary without the pack
   * enforced nothing, and must not pass as checked.
   */
  assertPackRan(what: string): void {
    if (this.ran !== undefined && Object.keys(this.ran).length === 0) {
      throw new StackSettingsError(`${what}: the engine ran no policy pack; every up and preview must run ${POLICY_PACK_FOLDER}/ (frostbyte-isolation)`);
    }
  }
}
