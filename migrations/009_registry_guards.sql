-- Guards that hold for whoever connects, psql by hand included (DESIGN §1, §3, §4, §5):
-- * audit_events refuses UPDATE and DELETE per statement, so an edit is refused even when it
--   matches no row (the row triggers of 002 only fire for rows that exist);
-- * the registry never forgets a tenant: DELETE and TRUNCATE on tenants are refused (a
--   deprovisioned id stays DEPROVISIONED, so it is never handed out again);
-- * tenant_id keeps the §1 rule in the database too;
-- * a new tenant, a state change and a config_version bump must be written in the same
--   transaction as their §5 event (TENANT_CREATED, the transition's event, TENANT_CONFIG_UPDATED).
--   The check is deferred to COMMIT so the order of the two statements does not matter; an event
--   counts when its row was inserted by this very transaction (xmin), which a client cannot forge.
-- No down part, like 002: no tool removes these guards.

-- Up Migration
CREATE TRIGGER audit_events_append_only_statement
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only_statement;

CREATE FUNCTION tenants_refuse_removal()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'tenants keeps every tenant: % is not allowed; offboard a tenant by moving it to DEPROVISIONED', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER tenants_no_delete
  BEFORE DELETE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION tenants_refuse_removal();
CREATE TRIGGER tenants_no_truncate
  BEFORE TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION tenants_refuse_removal();
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_no_delete;
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_no_truncate;

ALTER TABLE tenants ADD CONSTRAINT tenants_id_rule CHECK (
  length(tenant_id) BETWEEN 3 AND 30
  AND tenant_id COLLATE "C" ~ '^[a-z][a-z0-9-]*[a-z0-9]$'
  AND strpos(tenant_id, '--') = 0
);

-- The §5 event each of the thirteen §3 transitions writes (controlplane/lifecycle.ts keeps the same).
CREATE FUNCTION tenant_transition_event(from_state TEXT, to_state TEXT)
RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT e.event_type
    FROM (VALUES
      ('PENDING', 'PROVISIONING', 'TENANT_PROVISION_STARTED'),
      ('PENDING', 'DEPROVISIONED', 'TENANT_DEPROVISIONED'),
      ('PROVISIONING', 'ACTIVE', 'TENANT_PROVISIONED'),
      ('PROVISIONING', 'FAILED', 'TENANT_PROVISION_FAILED'),
      ('FAILED', 'PROVISIONING', 'TENANT_PROVISION_STARTED'),
      ('FAILED', 'DEPROVISIONING', 'TENANT_DEPROVISION_STARTED'),
      ('ACTIVE', 'SUSPENDED', 'TENANT_SUSPENDED'),
      ('SUSPENDED', 'ACTIVE', 'TENANT_RESUMED'),
      ('ACTIVE', 'PROVISIONING', 'TENANT_PROVISION_STARTED'),
      ('ACTIVE', 'DEPROVISIONING', 'TENANT_DEPROVISION_STARTED'),
      ('SUSPENDED', 'DEPROVISIONING', 'TENANT_DEPROVISION_STARTED'),
      ('DEPROVISIONING', 'DEPROVISIONED', 'TENANT_DEPROVISIONED'),
      ('DEPROVISIONING', 'FAILED', 'TENANT_PROVISION_FAILED')
    ) AS e (from_state, to_state, event_type)
   WHERE e.from_state = tenant_transition_event.from_state
     AND e.to_state = tenant_transition_event.to_state
$$;

CREATE FUNCTION tenants_require_audit_event()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  change TEXT;
  expected TEXT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    change := 'a new tenant';
    expected := 'TENANT_CREATED';
  ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
    change := format('%s -> %s', OLD.state, NEW.state);
    expected := tenant_transition_event(OLD.state, NEW.state);
  ELSIF NEW.config_version IS DISTINCT FROM OLD.config_version THEN
    change := format('config_version %s -> %s', OLD.config_version, NEW.config_version);
    expected := 'TENANT_CONFIG_UPDATED';
  ELSE
    RETURN NULL;
  END IF;

  IF NOT EXISTS (
    SELECT 1 FROM audit_events a
     WHERE a.tenant_id = NEW.tenant_id
       AND a.event_type = expected
       AND a.xmin = pg_current_xact_id()::xid
  ) THEN
    RAISE EXCEPTION 'tenant "%": % must be recorded with its % audit event in the same transaction', NEW.tenant_id, change, expected
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = format('the registry writes both (frostbyte tenant create, the portal, the stack); by hand, INSERT the %s event into audit_events in the same transaction', expected);
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER tenants_change_is_audited
  AFTER INSERT OR UPDATE ON tenants
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION tenants_require_audit_event();
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_change_is_audited;
