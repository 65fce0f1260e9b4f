import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { describeResource } from "./resourceTypes";

/**
 * A pure check of one resource: its problems, each a sentence that states the rule, without the
 * resource's name (the policy prefixes that). `props` are the resource's inputs as the engine sent them.
 */
export type PropsCheck = (props: Readonly<Record<string, unknown>>) => readonly string[];

/**
 * Runs `checks[type]` on every resource of one of those types and reports each problem as
 * `<kind> "<name>": <problem>`; any other type is reported as not applicable, as the SDK's own
 * `validateResourceOfType` does. With a single type the function carries `__pulumiType`, so the
 * SDK skips other resources without calling it.
 */
export function checkResources(checks: Readonly<Record<string, PropsCheck>>): ResourceValidation {
  const types = Object.keys(checks);
  const validate = (args: ResourceValidationArgs, report: ReportViolation): void => {
    const check = Object.hasOwn(checks, args.type) ? checks[args.type] : undefined;
    if (check === undefined) return args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`);
    for (const problem of check(args.props)) report(`${describeResource(args.type, args.name)}: ${problem}`);
  };
  return types.length === 1 ? Object.assign(validate, { __pulumiType: types[0] }) : validate;
}

/** The elements of a list-valued property, or undefined when it is absent; a single value counts as a list of one. */
export function listOf(value: unknown): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** The property when it is a string, else undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
