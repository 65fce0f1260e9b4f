/** The tenants' SOPS-encrypted secrets files, kept as ciphertext in the control plane. */
import { createHash } from "node:crypto";
import type pg from "pg";
import { tenantNames } from "../domain";

/** One stored secrets file. */
export interface SecretsFile {
  readonly tenantId: string;
  /** `secrets/{id}.enc.yaml` (DESIGN §1). */
  readonly path: string;
  readonly ciphertext: string;
  readonly sha256: string;
  readonly recipients: readonly string[];
  readonly updatedAt: Date;
}

interface SecretsFileRow {
  tenant_id: string;
  path: string;
  ciphertext: string;
  sha256: string;
  recipients: string[];
  updated_at: Date;
}

const fromRow = (row: SecretsFileRow): SecretsFile => ({
  tenantId: row.tenant_id,
  path: row.path,
  ciphertext: row.ciphertext,
  sha256: row.sha256,
  recipients: row.recipients,
  updatedAt: row.updated_at,
});

/** Stores (or replaces) the tenant's encrypted file. Refuses text that is not a SOPS document. */
export async function storeSecretsFile(pool: pg.Pool, tenantId: string, ciphertext: string, recipients: readonly string[]): Promise<SecretsFile> {
  const { secretsFile } = tenantNames(tenantId);
  if (!/^sops:\s*$/m.test(ciphertext)) throw new Error(`tenant "${tenantId}": refusing to store a secrets file that is not SOPS-encrypted`);
  const sha256 = createHash("sha256").update(ciphertext).digest("hex");
  const result = await pool.query<SecretsFileRow>(
    `INSERT INTO tenant_secrets_files (tenant_id, path, ciphertext, sha256, recipients) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, sha256 = EXCLUDED.sha256,
       recipients = EXCLUDED.recipients, updated_at = now()
     RETURNING tenant_id, path, ciphertext, sha256, recipients, updated_at`,
    [tenantId, secretsFile, ciphertext, sha256, [...recipients]],
  );
  return fromRow(result.rows[0]!);
}

export async function getSecretsFile(pool: pg.Pool, tenantId: string): Promise<SecretsFile | undefined> {
  const result = await pool.query<SecretsFileRow>(
    "SELECT tenant_id, path, ciphertext, sha256, recipients, updated_at FROM tenant_secrets_files WHERE tenant_id = $1",
    [tenantId],
  );
  return result.rows[0] ? fromRow(result.rows[0]) : undefined;
}

/** Removes the tenant's file; returns whether there was one. */
export async function deleteSecretsFile(pool: pg.Pool, tenantId: string): Promise<boolean> {
  const result = await pool.query("DELETE FROM tenant_secrets_files WHERE tenant_id = $1", [tenantId]);
  return (result.rowCount ?? 0) > 0;
}
