-- Tenant registry (DESIGN §3, §4): one row per tenant with its lifecycle state, config and endpoints.
-- The lifecycle trigger refuses every state change but the thirteen of §3, whoever connects;
-- controlplane/lifecycle.ts holds the same table for the code's own earlier check.

-- Up Migration
CREATE TABLE tenants (
  tenant_id               TEXT        PRIMARY KEY,
  state                   TEXT        NOT NULL DEFAULT 'PENDING',
  config                  JSONB       NOT NULL DEFAULT '{}'::jsonb,
  config_version          INTEGER     NOT NULL DEFAULT 1,
  created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  provisioning_started_at TIMESTAMPTZ NULL,
  provisioned_at          TIMESTAMPTZ NULL,
  age_public_key          TEXT        NULL,
  endpoints               JSONB       NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT tenants_state_known CHECK (state IN ('PENDING', 'PROVISIONING', 'ACTIVE', 'SUSPENDED', 'DEPROVISIONING', 'DEPROVISIONED', 'FAILED')),
  CONSTRAINT tenants_config_is_object CHECK (jsonb_typeof(config) = 'object'),
  CONSTRAINT tenants_config_version_positive CHECK (config_version >= 1),
  CONSTRAINT tenants_endpoints_is_object CHECK (jsonb_typeof(endpoints) = 'object')
);

CREATE INDEX tenants_state_idx ON tenants (state);
CREATE INDEX tenants_created_at_idx ON tenants (created_at);

-- The thirteen allowed transitions, numbered as in DESIGN §3.
CREATE FUNCTION tenant_transitions()
RETURNS TABLE (number INTEGER, from_state TEXT, to_state TEXT)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  VALUES
    (1, 'PENDING', 'PROVISIONING'),
    (2, 'PENDING', 'DEPROVISIONED'),
    (3, 'PROVISIONING', 'ACTIVE'),
    (4, 'PROVISIONING', 'FAILED'),
    (5, 'FAILED', 'PROVISIONING'),
    (6, 'FAILED', 'DEPROVISIONING'),
    (7, 'ACTIVE', 'SUSPENDED'),
    (8, 'SUSPENDED', 'ACTIVE'),
    (9, 'ACTIVE', 'PROVISIONING'),
    (10, 'ACTIVE', 'DEPROVISIONING'),
    (11, 'SUSPENDED', 'DEPROVISIONING'),
    (12, 'DEPROVISIONING', 'DEPROVISIONED'),
    (13, 'DEPROVISIONING', 'FAILED')
$$;

CREATE FUNCTION tenants_guard_lifecycle()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  allowed TEXT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.state IS DISTINCT FROM 'PENDING' THEN
      RAISE EXCEPTION 'tenant "%": a new tenant starts in PENDING, not %', NEW.tenant_id, NEW.state
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;

  IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
    RAISE EXCEPTION 'tenant "%": tenant_id never changes (asked for "%")', OLD.tenant_id, NEW.tenant_id
      USING ERRCODE = 'check_violation';
  END IF;

  IF NEW.state IS DISTINCT FROM OLD.state
     AND NOT EXISTS (SELECT 1 FROM tenant_transitions() t WHERE t.from_state = OLD.state AND t.to_state = NEW.state) THEN
    SELECT coalesce(string_agg(t.to_state, ', ' ORDER BY t.number), 'none, it is final')
      INTO allowed
      FROM tenant_transitions() t
     WHERE t.from_state = OLD.state;
    RAISE EXCEPTION 'tenant "%": transition % -> % is not allowed', OLD.tenant_id, OLD.state, NEW.state
      USING ERRCODE = 'check_violation', HINT = format('allowed from %s: %s', OLD.state, allowed);
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER tenants_lifecycle
  BEFORE INSERT OR UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenants_guard_lifecycle();

-- ALWAYS: session_replication_role = replica does not switch the guard off.
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_lifecycle;

-- Down Migration
DROP TABLE tenants;
DROP FUNCTION tenants_guard_lifecycle();
DROP FUNCTION tenant_transitions();
