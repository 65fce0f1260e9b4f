/** Errors of the operations table. */

/** The tenant already has a queued or running operation; the database refuses a second one (HTTP 409). */
export class OperationInProgressError extends Error {
  readonly statusCode = 409;

  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" already has an operation in progress (another operation is queued or running); try again when it has finished`);
    this.name = "OperationInProgressError";
  }
}
