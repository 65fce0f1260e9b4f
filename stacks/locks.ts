/**
 * The two locks of the stacks layer: a process-wide mutex around the commands that write the
 * workspace's shared files (stack init/select/rm, pulumi/pulumi#8186), and one reservation per
 * tenant, refused rather than queued when the tenant is already busy.
 */
import { TenantBusyError } from "./errors";

/** A FIFO mutex: `run` waits for every earlier holder, then runs `work` alone. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** A held reservation of one tenant; `release` is idempotent. */
export interface TenantReservation {
  readonly tenantId: string;
  /** What holds it, e.g. `provision 0c1f…`; quoted when another caller is refused. */
  readonly holder: string;
  release(): void;
}

/** At most one reservation per tenant in this process; a second `reserve` throws {@link TenantBusyError}. */
export class TenantLocks {
  private readonly held = new Map<string, TenantReservation>();

  /** Reserves the tenant synchronously, or throws {@link TenantBusyError} naming the current holder. */
  reserve(tenantId: string, holder: string): TenantReservation {
    const current = this.held.get(tenantId);
    if (current !== undefined) throw new TenantBusyError(tenantId, current.holder);
    const reservation: TenantReservation = {
      tenantId,
      holder,
      release: () => {
        if (this.held.get(tenantId) === reservation) this.held.delete(tenantId);
      },
    };
    this.held.set(tenantId, reservation);
    return reservation;
  }

  /** Whether this very reservation still holds its tenant (it was not released). */
  holds(reservation: TenantReservation): boolean {
    return this.held.get(reservation.tenantId) === reservation;
  }

  /** Whether the tenant is reserved now. */
  isBusy(tenantId: string): boolean {
    return this.held.has(tenantId);
  }
}
