/** What the secrets-file provider does, loaded by path in the provider's own process (see providerRuntime/runtimeModule.ts). */
import { deleteSecretsFile, sopsEncryptYaml, storeSecretsFile } from "../../controlplane";
import { tenantNames } from "../../domain";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";

/** Encrypts the document with the real sops to every recipient and stores the ciphertext; returns its sha256. */
export async function writeSecretsFile(url: string, tenantId: string, plaintextYaml: string, recipients: readonly string[]): Promise<string> {
  const ciphertext = await sopsEncryptYaml(plaintextYaml, recipients, tenantNames(tenantId).secretsFile);
  return withControlPlane(url, async (pool) => (await storeSecretsFile(pool, tenantId, ciphertext, recipients)).sha256);
}

export async function removeSecretsFile(url: string, tenantId: string): Promise<void> {
  await withControlPlane(url, (pool) => deleteSecretsFile(pool, tenantId));
}
