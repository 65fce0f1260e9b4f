/** The fleet commands and what each reports per tenant. */

/** `frostbyte fleet preview|up|drift`. */
export const FLEET_COMMANDS = ["preview", "up", "drift"] as const;
export type FleetCommand = (typeof FLEET_COMMANDS)[number];

/**
 * What became of one tenant: `changed` (preview: `up` would change resources; up: it changed them),
 * `unchanged`, `drifted` (drift only: the stores differ from the registry's desired state),
 * `failed` (the operation failed or could not start), `skipped` (nothing to act on).
 */
export type FleetResult = "changed" | "unchanged" | "drifted" | "failed" | "skipped";

/** What each command does to a tenant's stack, for help texts and progress lines. */
export const COMMAND_DESCRIPTIONS: Readonly<Record<FleetCommand, string>> = {
  preview: "preview every tenant's stack: what `up` would change (writes each stack's config, changes no resource)",
  up: "update every tenant's stack to the registry's desired state",
  drift: "find drift: preview every tenant's stack after refreshing its state from the stores (changes no resource)",
};
