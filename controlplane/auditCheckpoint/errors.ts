/** Errors of audit checkpoints; each names the object, file or setting it is about. */

/** A checkpoint object that is not a valid, correctly signed and named checkpoint. */
export class CheckpointFormatError extends Error {
  constructor(
    readonly objectName: string,
    problem: string,
  ) {
    super(`checkpoint ${objectName} ${problem}`);
    this.name = "CheckpointFormatError";
  }
}

/** The checkpoint store shows signs of tampering (a hidden or rewritten object) or lacks its lock. */
export class CheckpointStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointStoreError";
  }
}

/** A signing or verification key file that cannot be used. */
export class CheckpointKeyError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`audit key file ${path}: ${problem}`);
    this.name = "CheckpointKeyError";
  }
}

/** A checkpoint setting (environment variable) that is missing or malformed. */
export class CheckpointSettingsError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "CheckpointSettingsError";
  }
}
