-- Credential rotation (`frostbyte tenant rotate`): the tenant's current rotation token, and the audit
-- event that records an applied rotation.
-- `credential_rotation` is the keeper of every generated credential and of the tenant's age key
-- (frostbyte:tenants[].rotation): every operation that drives the tenant's stack from the registry
-- writes it, so credentials change only when it changes. `initial` until the first rotation; never
-- a secret. TENANT_CREDENTIALS_ROTATED is an addition to DESIGN §5, written by the stack once every
-- store holds the new credentials.

-- Up Migration
ALTER TABLE tenants
  ADD COLUMN credential_rotation TEXT NOT NULL DEFAULT 'initial',
  ADD CONSTRAINT tenants_credential_rotation_token CHECK (credential_rotation ~ '^[a-z0-9][a-z0-9._-]{0,62}$');

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (event_type IN (
  'TENANT_CREATED', 'TENANT_PROVISION_STARTED', 'TENANT_PROVISIONED', 'TENANT_PROVISION_FAILED',
  'TENANT_CONFIG_UPDATED', 'TENANT_ISOLATION_VERIFIED', 'TENANT_SUSPENDED', 'TENANT_RESUMED',
  'TENANT_DEPROVISION_STARTED', 'TENANT_DEPROVISIONED', 'TENANT_CREDENTIALS_ROTATED'));

-- Down Migration
-- Refused while any TENANT_CREDENTIALS_ROTATED event exists: the audit log keeps what it recorded.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (event_type IN (
  'TENANT_CREATED', 'TENANT_PROVISION_STARTED', 'TENANT_PROVISIONED', 'TENANT_PROVISION_FAILED',
  'TENANT_CONFIG_UPDATED', 'TENANT_ISOLATION_VERIFIED', 'TENANT_SUSPENDED', 'TENANT_RESUMED',
  'TENANT_DEPROVISION_STARTED', 'TENANT_DEPROVISIONED'));
ALTER TABLE tenants DROP COLUMN credential_rotation;
