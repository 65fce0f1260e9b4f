/** Refusals of the lifecycle (DESIGN §3); the database raises the same first words. */

/**
 * A state change that is not one of the thirteen of DESIGN §3. The first part of the message is the
 * same one the database raises, so both refusals read alike.
 */
export class TransitionNotAllowedError extends Error {
  /** The HTTP status the portal answers it with (Conflict). */
  readonly statusCode = 409;

  constructor(
    readonly from: string,
    readonly to: string,
    readonly allowed: readonly string[],
    readonly tenantId?: string,
  ) {
    const subject = tenantId === undefined ? "" : `tenant "${tenantId}": `;
    const targets = allowed.length === 0 ? "none, it is final" : allowed.join(", ");
    super(`${subject}transition ${from} -> ${to} is not allowed (allowed from ${from}: ${targets})`);
    this.name = "TransitionNotAllowedError";
  }
}

/** A state name that is none of the seven. */
export class UnknownStateError extends Error {
  constructor(readonly state: string, known: readonly string[]) {
    super(`state ${JSON.stringify(state)} is not a tenant state (one of ${known.join(", ")})`);
    this.name = "UnknownStateError";
  }
}
