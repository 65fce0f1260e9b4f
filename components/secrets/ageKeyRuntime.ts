/** What the age-key provider does, loaded by path in the provider's own process (see registry/providerRuntime.ts). */
import { createControlPlanePool, TenantRegistry } from "../../controlplane";

/** A fresh X25519 age key pair from the age library (`age-encryption`, by age's author). */
export async function generateAgeKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const age = require("age-encryption") as typeof import("age-encryption");
  const privateKey = await age.generateX25519Identity();
  return { privateKey, publicKey: await age.identityToRecipient(privateKey) };
}

/** Records the tenant's public key in the registry (`age_public_key`). */
export async function recordAgePublicKey(controlPlaneDbUrl: string | undefined, tenantId: string, publicKey: string): Promise<void> {
  if (!controlPlaneDbUrl) throw new Error("the age key provider was not configured: frostbyte:controlPlaneDbUrl is missing");
  const pool = createControlPlanePool(controlPlaneDbUrl, { max: 1 });
  try {
    await new TenantRegistry(pool).setAgePublicKey(tenantId, publicKey);
  } finally {
    await pool.end();
  }
}
