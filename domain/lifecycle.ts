/**
 * The tenant lifecycle of DESIGN §3 as data: seven states, thirteen transitions, and the audit
 * event (§5) each transition writes. Pure; the database trigger in migrations/001 keeps the same table.
 */
import { TransitionNotAllowedError } from "./lifecycleErrors";
import type { AuditEventType } from "./eventTypes";

export const TENANT_STATES = ["PENDING", "PROVISIONING", "ACTIVE", "SUSPENDED", "DEPROVISIONING", "DEPROVISIONED", "FAILED"] as const;

/** A registry `state`. */
export type TenantState = (typeof TENANT_STATES)[number];

/** The state every new tenant starts in (the database refuses any other on INSERT). */
export const INITIAL_STATE: TenantState = "PENDING";

/** One allowed state change, numbered as in DESIGN §3. */
export interface LifecycleTransition {
  readonly number: number;
  readonly from: TenantState;
  readonly to: TenantState;
  /** The audit event written in the same transaction as the change. */
  readonly event: AuditEventType;
  /** When the change happens, as DESIGN §3 says it. */
  readonly when: string;
}

/** The thirteen allowed transitions; every other change of state is refused. */
export const TRANSITIONS: readonly LifecycleTransition[] = [
  { number: 1, from: "PENDING", to: "PROVISIONING", event: "TENANT_PROVISION_STARTED", when: "provisioning starts" },
  { number: 2, from: "PENDING", to: "DEPROVISIONED", event: "TENANT_DEPROVISIONED", when: "request cancelled before anything was created" },
  { number: 3, from: "PROVISIONING", to: "ACTIVE", event: "TENANT_PROVISIONED", when: "all stores provisioned and isolation verified" },
  { number: 4, from: "PROVISIONING", to: "FAILED", event: "TENANT_PROVISION_FAILED", when: "any step failed" },
  { number: 5, from: "FAILED", to: "PROVISIONING", event: "TENANT_PROVISION_STARTED", when: "retry" },
  { number: 6, from: "FAILED", to: "DEPROVISIONING", event: "TENANT_DEPROVISION_STARTED", when: "clean up a failed tenant" },
  { number: 7, from: "ACTIVE", to: "SUSPENDED", event: "TENANT_SUSPENDED", when: "suspend: credentials disabled, data kept" },
  { number: 8, from: "SUSPENDED", to: "ACTIVE", event: "TENANT_RESUMED", when: "resume" },
  { number: 9, from: "ACTIVE", to: "PROVISIONING", event: "TENANT_PROVISION_STARTED", when: "re-provision after a config change that alters resources" },
  { number: 10, from: "ACTIVE", to: "DEPROVISIONING", event: "TENANT_DEPROVISION_STARTED", when: "offboarding" },
  { number: 11, from: "SUSPENDED", to: "DEPROVISIONING", event: "TENANT_DEPROVISION_STARTED", when: "offboarding a suspended tenant" },
  { number: 12, from: "DEPROVISIONING", to: "DEPROVISIONED", event: "TENANT_DEPROVISIONED", when: "every resource destroyed, age key shredded" },
  { number: 13, from: "DEPROVISIONING", to: "FAILED", event: "TENANT_PROVISION_FAILED", when: "destroy failed" },
];

export function isTenantState(value: unknown): value is TenantState {
  return typeof value === "string" && (TENANT_STATES as readonly string[]).includes(value);
}

/** The allowed transition from one state to another, or undefined when the change is refused. */
export function findTransition(from: TenantState, to: TenantState): LifecycleTransition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to);
}

/** The states a tenant in `from` may move to, in DESIGN §3 order. */
export function allowedTargets(from: TenantState): TenantState[] {
  return TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

/**
 * Returns the transition from `from` to `to`, or throws {@link TransitionNotAllowedError} naming
 * the refused pair (and the tenant, when given). Staying in the same state is not a transition.
 */
export function assertTransition(from: TenantState, to: TenantState, tenantId?: string): LifecycleTransition {
  const transition = findTransition(from, to);
  if (transition === undefined) throw new TransitionNotAllowedError(from, to, allowedTargets(from), tenantId);
  return transition;
}
