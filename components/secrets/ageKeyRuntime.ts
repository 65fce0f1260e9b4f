/** What the age-key provider does, loaded by path in the provider host (see providerRuntime/runtimeModule.ts). */
import { TenantRegistry } from "../../controlplane";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";

/** A fresh X25519 age key pair from the age library (`age-encryption`, by age's author). */
export async function generateAgeKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const age = require("age-encryption") as typeof import("age-encryption");
  const privateKey = await age.generateX25519Identity();
  return { privateKey, publicKey: await age.identityToRecipient(privateKey) };
}

/** Records the tenant's public key in the registry (`age_public_key`, with TENANT_AGE_KEY_UPDATED by the stack's actor). */
export async function recordAgePublicKey(controlPlaneDbUrl: string, tenantId: string, publicKey: string): Promise<void> {
  await withControlPlane(controlPlaneDbUrl, (pool) => new TenantRegistry(pool).setAgePublicKey(tenantId, publicKey, { actor: "pulumi" }));
}
