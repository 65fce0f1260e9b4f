/** What the secrets-file provider does, loaded by path in the provider's own process (see registry/providerRuntime.ts). */
import { createControlPlanePool, deleteSecretsFile, sopsEncryptYaml, storeSecretsFile } from "../../controlplane";
import { tenantNames } from "../naming";

async function withPool<T>(url: string | undefined, work: (pool: import("pg").Pool) => Promise<T>): Promise<T> {
  if (!url) throw new Error("the secrets-file provider was not configured: frostbyte:controlPlaneDbUrl is missing");
  const pool = createControlPlanePool(url, { max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** Encrypts the document with the real sops to every recipient and stores the ciphertext; returns its sha256. */
export async function writeSecretsFile(url: string | undefined, tenantId: string, plaintextYaml: string, recipients: readonly string[]): Promise<string> {
  const ciphertext = await sopsEncryptYaml(plaintextYaml, recipients, tenantNames(tenantId).secretsFile);
  return withPool(url, async (pool) => (await storeSecretsFile(pool, tenantId, ciphertext, recipients)).sha256);
}

export async function removeSecretsFile(url: string | undefined, tenantId: string): Promise<void> {
  await withPool(url, (pool) => deleteSecretsFile(pool, tenantId));
}
