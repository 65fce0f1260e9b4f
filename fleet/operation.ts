/**
 * The real per-tenant operation of each fleet command over the stacks layer: reserve the tenant
 * (a tenant this process already works on is refused, never queued), write its stack config from
 * the registry row (`desiredStateFromRegistry`), run the engine, release.
 */
import { desiredStateFromRegistry } from "../stacks/desiredState";
import type { TenantStacks } from "../stacks/tenantStacks";
import type { FleetCommand } from "./command";
import type { TenantOperation } from "./runner";

/** Options of {@link fleetOperation}. */
export interface FleetOperationOptions {
  /** `fleet up --refresh`: refresh each stack's state from the stores first, so drift is repaired. */
  readonly refresh?: boolean;
}

export function fleetOperation(stacks: TenantStacks, command: FleetCommand, options: FleetOperationOptions = {}): TenantOperation {
  return async (tenant, hooks) => {
    const reservation = stacks.reserve(tenant.tenantId, `fleet ${command}`);
    try {
      const desired = desiredStateFromRegistry(tenant);
      switch (command) {
        case "preview":
          return await stacks.preview(reservation, desired, hooks);
        case "drift":
          return await stacks.previewRefreshed(reservation, desired, hooks);
        case "up":
          return await (options.refresh ? stacks.updateRefreshed(reservation, desired, hooks) : stacks.updateConfig(reservation, desired, hooks));
      }
    } finally {
      reservation.release();
    }
  };
}
