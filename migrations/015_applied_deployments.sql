-- What each tenant's stack holds since its last successful `up` (issue #15, "skip what cannot have
-- changed"): the deployment fingerprint (stacks/deploymentFingerprint.ts: sha256 of the desired
-- state, the base config — secrets only as their hash — and the program build), and the operation
-- that applied it. A worker writes it after every successful up-kind operation (provision,
-- update_config, rotate, suspend, resume, up); `frostbyte fleet preview` reads it and reports a
-- tenant whose fingerprint is unchanged as `unchanged` without running the engine.
-- * The fingerprint is a hash only: no config value and no secret is stored here.
-- * One row per tenant, replaced by every later up. A tenant is never deleted, so neither is its row.
-- * Beside `tenants`, not on it: 011 requires an audit event for every change of a tenant row, and
--   recording what a stack holds changes nothing of the tenant.

-- Up Migration
CREATE TABLE applied_deployments (
  tenant_id    TEXT        PRIMARY KEY REFERENCES tenants (tenant_id),
  fingerprint  TEXT        NOT NULL,
  operation_id UUID        NOT NULL REFERENCES operations (operation_id),
  applied_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT applied_deployments_fingerprint_sha256 CHECK (fingerprint ~ '^[0-9a-f]{64}$')
);

-- The time is the server's, and the operation is one of the same tenant's.
CREATE FUNCTION applied_deployments_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  NEW.applied_at := now();
  IF NOT EXISTS (SELECT 1 FROM operations o WHERE o.operation_id = NEW.operation_id AND o.tenant_id = NEW.tenant_id) THEN
    RAISE EXCEPTION 'applied deployment of tenant "%": operation % is not an operation of this tenant', NEW.tenant_id, NEW.operation_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER applied_deployments_guard
  BEFORE INSERT OR UPDATE ON applied_deployments
  FOR EACH ROW EXECUTE FUNCTION applied_deployments_guard();
ALTER TABLE applied_deployments ENABLE ALWAYS TRIGGER applied_deployments_guard;

REVOKE ALL ON TABLE applied_deployments FROM PUBLIC;
-- INSERT ... ON CONFLICT DO UPDATE needs all three; never DELETE.
GRANT SELECT, INSERT, UPDATE ON TABLE applied_deployments TO frostbyte_runtime;

-- Down Migration
DROP TABLE applied_deployments;
DROP FUNCTION applied_deployments_guard();
