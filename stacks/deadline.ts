/**
 * The deadline of one operation: set when the operation starts (FROSTBYTE_OPERATION_DEADLINE_SECONDS,
 * domain/config/operationTimeBounds.ts), shared by the engine run and the bookkeeping around it, and
 * the error an operation ends with when it passes.
 */

/** The operation's deadline passed; `during` says what it was doing then. */
export class OperationDeadlineError extends Error {
  constructor(
    readonly seconds: number,
    readonly during: string,
    /** What had to be done to stop the engine, when more than a cancellation. */
    readonly aftermath?: string,
  ) {
    super(`deadline of ${seconds} s passed during ${during}${aftermath ? `; ${aftermath}` : ""}`);
    this.name = "OperationDeadlineError";
  }
}

/** A point in time an operation must be done by. */
export class OperationDeadline {
  /** Epoch milliseconds. */
  readonly expiresAt: number;

  constructor(
    readonly seconds: number,
    startedAt: number = Date.now(),
  ) {
    this.expiresAt = startedAt + seconds * 1000;
  }

  /** Milliseconds left, 0 once passed. */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.expiresAt - now);
  }

  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** The error of an operation whose deadline passed during `during`. */
  error(during: string, aftermath?: string): OperationDeadlineError {
    return new OperationDeadlineError(this.seconds, during, aftermath);
  }

  /** Throws {@link OperationDeadlineError} when the deadline has passed: nothing new starts after it. */
  assertBefore(during: string): void {
    if (this.expired) throw this.error(during);
  }
}
