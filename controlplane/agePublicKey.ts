/** Checks a tenant's age public key with the stack-config rule for age recipients (DESIGN §8). */
import { ConfigValidationError, parseStackConfig } from "../components/validation";

const RECIPIENTS_KEY = "frostbyte:operatorAgeRecipients";

/**
 * Why `publicKey` is not an age X25519 recipient, or undefined when it is. The rule lives in
 * components/validation and is not exported on its own, so the key is run through the stack-config
 * parser as a one-element recipient list and only that key's problem is kept.
 */
export function agePublicKeyProblem(publicKey: string): string | undefined {
  try {
    parseStackConfig((key) => (key === RECIPIENTS_KEY ? JSON.stringify([publicKey]) : undefined));
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.problems.find((problem) => problem.path.startsWith(`${RECIPIENTS_KEY}[`))?.message;
  }
  return undefined;
}
