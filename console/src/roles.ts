/**
 * What the console offers each role. The API decides every request by the token anyway (a hidden
 * button is a courtesy, not a guard): this table only keeps the console from offering what the
 * caller's role will be refused. Roles per issue #13: operators (`admin`, `operator`) run everything;
 * an `auditor` reads; a `tenant` reads its own tenant, changes its data-policy settings and rotates
 * its own credentials. A role the console does not know is offered nothing.
 */
import { operationAllowed, type TenantConfig } from "../../domain";
import type { Caller, TenantView } from "./api/types";

/** The actions a page may offer. */
export type Action = "create" | "settings" | "preview" | "rotate" | "suspend" | "resume" | "deprovision";

const OPERATOR_ROLES: readonly string[] = ["admin", "operator"];

const ROLE_ACTIONS: Readonly<Record<string, readonly Action[]>> = {
  tenant: ["settings", "rotate"],
};

/** The config sections a tenant may change itself: its data policy. */
const DATA_POLICY_SECTIONS = ["pii", "classification", "injection", "mime_allowlist", "generation_enabled", "retention_days"] as const satisfies readonly (keyof TenantConfig)[];
/** What only operators change: cost, reach and capacity. */
const OPERATOR_SECTIONS = ["embedding", "server", "network", "quotas"] as const satisfies readonly (keyof TenantConfig)[];

export type ConfigSection = (typeof DATA_POLICY_SECTIONS)[number] | (typeof OPERATOR_SECTIONS)[number];

export function isOperator(caller: Caller): boolean {
  return OPERATOR_ROLES.includes(caller.role);
}

/** Whether the caller sees the fleet-wide pages (overview, every tenant). */
export function seesFleet(caller: Caller): boolean {
  return caller.tenantId === null;
}

/** Whether the caller's role may run `action` at all. */
export function mayRun(caller: Caller, action: Action): boolean {
  return isOperator(caller) || (ROLE_ACTIONS[caller.role] ?? []).includes(action);
}

/** The operation each tenant action starts (the name the lifecycle table uses). */
const OPERATION_OF = {
  settings: "update_config",
  preview: "preview",
  rotate: "rotate",
  suspend: "suspend",
  resume: "resume",
  deprovision: "deprovision",
} as const satisfies Record<Exclude<Action, "create">, string>;

/** Whether the page offers `action` on this tenant: the role may run it and the tenant's state allows it (domain/stateOperations.ts). */
export function offers(caller: Caller, tenant: TenantView, action: Exclude<Action, "create">): boolean {
  return mayRun(caller, action) && operationAllowed(tenant.state, OPERATION_OF[action]);
}

/** The config sections the caller may change. */
export function editableSections(caller: Caller): readonly ConfigSection[] {
  if (isOperator(caller)) return [...DATA_POLICY_SECTIONS, ...OPERATOR_SECTIONS];
  return mayRun(caller, "settings") ? DATA_POLICY_SECTIONS : [];
}
