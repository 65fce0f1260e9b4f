/** Checks a tenant's age public key with the rule for age recipients (DESIGN §8). */
import { AGE_RECIPIENT_PATTERN } from "../components/validation";

/** Why `publicKey` is not an age X25519 recipient, or undefined when it is. */
export function agePublicKeyProblem(publicKey: string): string | undefined {
  return AGE_RECIPIENT_PATTERN.test(publicKey) ? undefined : "must be an age X25519 public key (age1…)";
}
