/**
 * Errors of the stacks layer. Automation API errors are translated into these, so callers (the
 * portal maps them to HTTP 404/409) never depend on the CLI's wording, and no message carries the
 * CLI's whole output.
 */
import { CommandError, ConcurrentUpdateError, StackAlreadyExistsError, StackNotFoundError } from "@pulumi/pulumi/automation";

/** The environment cannot run the tenant stacks (no passphrase, no Pulumi.yaml, bad base config file). */
export class StackSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackSettingsError";
  }
}

/** Another operation on the tenant is running; the new one is refused, never queued. */
export class TenantBusyError extends Error {
  /** The HTTP status the portal answers it with (Conflict). */
  readonly statusCode = 409;

  constructor(readonly tenantId: string, readonly running?: string) {
    super(`tenant "${tenantId}" already has an operation in progress${running ? ` (${running})` : ""}; try again when it has finished`);
    this.name = "TenantBusyError";
  }
}

/** The backend refused: the stack is locked by another update, or it already exists. */
export class StackConflictError extends Error {
  /** The HTTP status the portal answers it with (Conflict). */
  readonly statusCode = 409;

  constructor(readonly stackName: string, readonly reason: "locked" | "exists") {
    super(
      reason === "locked"
        ? `stack "${stackName}" is locked by another update (another process is running an operation on it)`
        : `stack "${stackName}" already exists`,
    );
    this.name = "StackConflictError";
  }
}

/** The tenant has no stack in the backend. */
export class TenantStackNotFoundError extends Error {
  /** The HTTP status the portal answers it with (Not Found). */
  readonly statusCode = 404;

  constructor(readonly stackName: string) {
    super(`stack "${stackName}" does not exist`);
    this.name = "TenantStackNotFoundError";
  }
}

/** A `pulumi` command failed; the message is the CLI's own error lines. */
export class StackCommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StackCommandError";
  }
}

/** The `error: …` lines of a CLI failure (the Automation API puts stderr into the message), or its first line. */
export function cliErrorLines(message: string): string {
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("error: "))
    .map((line) => line.slice("error: ".length));
  const unique = [...new Set(lines)];
  if (unique.length > 0) return unique.join("; ");
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? "pulumi failed";
}

/** Translates an Automation API error into this layer's errors; anything else is returned unchanged. */
export function translateAutomationError(error: unknown, stackName: string): unknown {
  if (error instanceof ConcurrentUpdateError) return new StackConflictError(stackName, "locked");
  if (error instanceof StackAlreadyExistsError) return new StackConflictError(stackName, "exists");
  if (error instanceof StackNotFoundError) return new TenantStackNotFoundError(stackName);
  if (error instanceof CommandError) return new StackCommandError(cliErrorLines(error.message), { cause: error });
  return error;
}
