/** The rule for age X25519 recipients (DESIGN §8): operator recipients and every tenant's age public key. */

/** An age X25519 recipient: `age1` and 58 bech32 characters. */
export const AGE_RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/;

/** What an age recipient must be, as error messages say it. */
export const AGE_RECIPIENT_RULE = "must be an age X25519 public key (age1…)";

/** Why `publicKey` is not an age X25519 recipient, or undefined when it is. */
export function agePublicKeyProblem(publicKey: string): string | undefined {
  return AGE_RECIPIENT_PATTERN.test(publicKey) ? undefined : AGE_RECIPIENT_RULE;
}
