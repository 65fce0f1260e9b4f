/** The fleet commands, the operation each enqueues per tenant, and what each reports per tenant. */
import type { OperationKind } from "../controlplane";

/** `frostbyte fleet preview|up|drift`. */
export const FLEET_COMMANDS = ["preview", "up", "drift"] as const;
export type FleetCommand = (typeof FLEET_COMMANDS)[number];

/** The operation a fleet command enqueues for each tenant (a worker runs it: worker/operationRunner.ts). */
export const FLEET_OPERATION_KINDS: Readonly<Record<FleetCommand, OperationKind>> = { preview: "preview", up: "up", drift: "drift" };

/**
 * What became of one tenant: `changed` (preview: `up` would change resources; up: it changed them),
 * `unchanged` (preview also without running: nothing changed since its last `up`), `drifted` (drift
 * only: the stores differ from the registry's desired state), `failed` (the operation failed or
 * could not be enqueued), `skipped` (nothing to act on).
 */
export type FleetResult = "changed" | "unchanged" | "drifted" | "failed" | "skipped";

/** What each command does to a tenant's stack, for help texts and progress lines. */
export const COMMAND_DESCRIPTIONS: Readonly<Record<FleetCommand, string>> = {
  preview:
    "preview every tenant's stack on the workers: what `up` would change (changes no resource); a tenant unchanged since its last up is reported without running (--full runs it)",
  up: "update every tenant's stack to the registry's desired state, on the workers",
  drift: "find drift: preview every tenant's stack after refreshing its state from the stores, on the workers (changes no resource)",
};
