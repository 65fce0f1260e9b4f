-- SOPS-encrypted secrets files of the tenants (DESIGN §1 `secrets/{id}.enc.yaml`, §7).
-- Only ciphertext is stored: sops encrypts every value to the tenant's age key and the operators'
-- recipients before the row is written. Deprovisioning deletes the row when it shreds the age key.

-- Up Migration
CREATE TABLE tenant_secrets_files (
  tenant_id   TEXT        PRIMARY KEY REFERENCES tenants (tenant_id),
  path        TEXT        NOT NULL,
  ciphertext  TEXT        NOT NULL,
  sha256      TEXT        NOT NULL,
  recipients  TEXT[]      NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT tenant_secrets_files_path CHECK (path = 'secrets/' || tenant_id || '.enc.yaml'),
  CONSTRAINT tenant_secrets_files_is_sops CHECK (position('sops:' IN ciphertext) > 0),
  CONSTRAINT tenant_secrets_files_has_recipients CHECK (cardinality(recipients) >= 1)
);

REVOKE ALL ON TABLE tenant_secrets_files FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE tenant_secrets_files TO frostbyte_runtime;

-- Down Migration
DROP TABLE tenant_secrets_files;
