/**
 * Runs a policy the way `pulumi preview --policy-pack` does, for unit tests.
 *
 * The pattern is pulumi/pulumi-policy-aws `src/tests/util.ts` (run a policy on one resource or a
 * stack, then `assertHasViolation` / `assertNoViolations`), but the args are not hand-built: each
 * resource is encoded as the engine's gRPC request (protobuf Struct with the engine's secret and
 * unknown encodings) and handed to @pulumi/policy's own analyzer functions (`makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`, the ones `PolicyPack` serves). So a policy sees exactly what a real run
 * gives it: props deserialised and wrapped in the SDK's unknown-checking proxy, secrets unwrapped,
 * `isType`/`asType`/`getConfig`/`notApplicable`, and the SDK's handling of unknown values
 * (an advisory "can't run policy during preview") and of not-applicable policies. Plain objects
 * would hide the bug class of pulumi/pulumi-policy#445.
 */
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { expect } from "vitest";
import { installPropertyMarks } from "../../policy/propertyMarks";

/** The engine's encoding of a value that is not known until the update (a preview of a new resource's output). */
export const UNKNOWN = unknownValue;

/** The engine's encoding of a secret value. */
export function secret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/** One resource as the engine sends it to a policy pack. */
export interface TestResource {
  readonly type: string;
  readonly name: string;
  /** Properties in wire form: plain JSON, with `secret(...)` and `UNKNOWN` where the engine would put them. */
  readonly props: Readonly<Record<string, unknown>>;
  /** The parent's URN, if any. */
  readonly parent?: string;
  readonly additionalSecretOutputs?: readonly string[];
}

/** One diagnostic the pack returned. */
export interface PolicyViolation {
  readonly policyName: string;
  readonly message: string;
  readonly urn: string;
  readonly enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
}

/** What one analyzer call returned. */
export interface PolicyOutcome {
  readonly violations: readonly PolicyViolation[];
  /** Names of the policies that said they do not apply. */
  readonly notApplicable: readonly string[];
}

/** The URN the harness gives a resource (stack `test`, project `frostbyte`). */
export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::frostbyte::${type}::${name}`;
}

type RpcCallback = (error: Error | null | undefined, response?: analyzerpb.AnalyzeResponse) => void;
type RpcFunction = (call: { request: unknown }, callback: RpcCallback) => Promise<void>;
interface PolicyServer {
  makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFunction;
  makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFunction;
}

// The policy pack installs this before it serves; so do its tests.
installPropertyMarks();
const server = require("@pulumi/policy/server") as PolicyServer;

const LEVELS = {
  [analyzerpb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerpb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerpb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerpb.EnforcementLevel.REMEDIATE]: "remediate",
} as const;

/** Drops absent (undefined) properties, as the engine never sends them. */
function struct(props: Readonly<Record<string, unknown>>): Struct {
  const defined = JSON.parse(JSON.stringify(props)) as Record<string, unknown>;
  return Struct.fromJavaScript(defined as Parameters<typeof Struct.fromJavaScript>[0]);
}

function options(resource: TestResource): analyzerpb.AnalyzerResourceOptions {
  const opts = new analyzerpb.AnalyzerResourceOptions();
  opts.setAdditionalsecretoutputsList([...(resource.additionalSecretOutputs ?? [])]);
  if (resource.parent !== undefined) opts.setParent(resource.parent);
  return opts;
}

function call(rpc: RpcFunction, request: unknown, defaultUrn: string): Promise<PolicyOutcome> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (error, response) => {
      if (error) return reject(error);
      if (!response) return reject(new Error("the analyzer answered without a response"));
      resolve({
        violations: response.getDiagnosticsList().map((d) => ({
          policyName: d.getPolicyname(),
          message: d.getMessage(),
          urn: d.getUrn() || defaultUrn,
          enforcementLevel: LEVELS[d.getEnforcementlevel()],
        })),
        notApplicable: response.getNotApplicableList().map((n) => n.getPolicyName()),
      });
    });
  });
}

/** Runs a resource policy on one resource, as the engine's Analyze call does before the resource's step. */
export function runResourcePolicy(policy: ResourceValidationPolicy, resource: TestResource): Promise<PolicyOutcome> {
  const urn = urnOf(resource.type, resource.name);
  const request = new analyzerpb.AnalyzeRequest();
  request.setType(resource.type).setName(resource.name).setUrn(urn).setProperties(struct(resource.props)).setOptions(options(resource));
  return call(server.makeAnalyzeRpcFun("frostbyte-isolation-test", "0.0.0", "mandatory", [policy]), request, urn);
}

/** Runs a stack policy on a set of resources, as the engine's AnalyzeStack call does at the end of a preview or update. */
export function runStackPolicy(policy: StackValidationPolicy, resources: readonly TestResource[]): Promise<PolicyOutcome> {
  const request = new analyzerpb.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((resource) => {
      const r = new analyzerpb.AnalyzerResource();
      r.setType(resource.type).setName(resource.name).setUrn(urnOf(resource.type, resource.name)).setProperties(struct(resource.props));
      r.setOptions(options(resource)).setParent(resource.parent ?? "");
      return r;
    }),
  );
  return call(server.makeAnalyzeStackRpcFun("frostbyte-isolation-test", "0.0.0", "mandatory", [policy]), request, "");
}

function describe(violations: readonly PolicyViolation[]): string {
  return violations.length === 0 ? "(none)" : violations.map((v) => `  [${v.enforcementLevel}] ${v.urn}: ${v.message}`).join("\n");
}

/** The pack reported no violation at all, not even an advisory one. */
export function expectNoViolations(outcome: PolicyOutcome): void {
  expect(outcome.violations, `violations:\n${describe(outcome.violations)}`).toEqual([]);
}

/** The pack reported a mandatory violation whose message contains every given piece (and the URN, if given). */
export function expectViolation(outcome: PolicyOutcome, want: { readonly message: string | readonly string[]; readonly urn?: string }): void {
  const pieces = typeof want.message === "string" ? [want.message] : want.message;
  const found = outcome.violations.some(
    (v) => v.enforcementLevel === "mandatory" && pieces.every((piece) => v.message.includes(piece)) && (want.urn === undefined || v.urn === want.urn),
  );
  expect(found, `no mandatory violation containing ${JSON.stringify(pieces)}${want.urn ? ` for ${want.urn}` : ""}; got:\n${describe(outcome.violations)}`).toBe(true);
}

/** util.ts's assertHasResourceViolation: a mandatory violation at the resource's URN with every message piece. */
export async function assertHasResourceViolation(policy: ResourceValidationPolicy, resource: TestResource, want: { readonly message: string | readonly string[] }): Promise<void> {
  expectViolation(await runResourcePolicy(policy, resource), { ...want, urn: urnOf(resource.type, resource.name) });
}

/** util.ts's assertNoResourceViolations: no violation of any level. */
export async function assertNoResourceViolations(policy: ResourceValidationPolicy, resource: TestResource): Promise<void> {
  expectNoViolations(await runResourcePolicy(policy, resource));
}

/** util.ts's assertHasStackViolation: a mandatory violation with every message piece (at `urn`, if given). */
export async function assertHasStackViolation(policy: StackValidationPolicy, resources: readonly TestResource[], want: { readonly message: string | readonly string[]; readonly urn?: string }): Promise<void> {
  expectViolation(await runStackPolicy(policy, resources), want);
}

/** util.ts's assertNoStackViolations: no violation of any level. */
export async function assertNoStackViolations(policy: StackValidationPolicy, resources: readonly TestResource[]): Promise<void> {
  expectNoViolations(await runStackPolicy(policy, resources));
}
