-- Every change of a tenant row is recorded (issue #13, DESIGN §4, §5), whoever connects:
-- * a tenant row's config (with or without a config_version bump), endpoints, age_public_key and
--   credential_rotation change only together with an audit event of the same transaction that
--   describes the change (its details name the new value), in addition to 009's state and
--   config_version rules. The check stays deferred to COMMIT and counts only events inserted by
--   this very transaction (xmin), which no client can forge;
-- * the rest of the row is the server's: created_at, updated_at, provisioning_started_at and
--   provisioned_at are set by a trigger from the server's clock, so no writer chooses them and none
--   of them changes without one of the recorded changes above;
-- * an audit event's occurred_at is the server's clock (clock_timestamp()), whatever the writer
--   sends: the chain trigger overwrites it before the hash is computed.
-- Three event types are added to §5 for changes that have none there (see domain/eventTypes.ts):
--   TENANT_ENDPOINTS_UPDATED      details.endpoints = the new endpoints (the write-back's first
--                                 endpoints travel in TENANT_PROVISIONED's details instead, §7)
--   TENANT_AGE_KEY_UPDATED        details.age_recipient = the new age public key
--   TENANT_ROTATION_TOKEN_UPDATED details.rotation = the new token (TENANT_CREDENTIALS_ROTATED,
--                                 which records an applied rotation, also counts)
-- No down part, like 002 and 009: no tool removes these guards.

-- Up Migration
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (event_type IN (
  'TENANT_CREATED', 'TENANT_PROVISION_STARTED', 'TENANT_PROVISIONED', 'TENANT_PROVISION_FAILED',
  'TENANT_CONFIG_UPDATED', 'TENANT_ISOLATION_VERIFIED', 'TENANT_SUSPENDED', 'TENANT_RESUMED',
  'TENANT_DEPROVISION_STARTED', 'TENANT_DEPROVISIONED', 'TENANT_CREDENTIALS_ROTATED',
  'TENANT_ENDPOINTS_UPDATED', 'TENANT_AGE_KEY_UPDATED', 'TENANT_ROTATION_TOKEN_UPDATED'));

-- 002's chain trigger, now also stamping occurred_at with the server's clock before hashing.
-- It stays enabled for origin sessions only (not ALWAYS): a logical-replication subscriber applies
-- the publisher's rows as they are, and re-stamping them there would change their hashes.
CREATE OR REPLACE FUNCTION audit_events_chain()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  latest RECORD;
BEGIN
  -- Writers of one tenant's chain queue on its registry row, the same lock the registry takes
  -- (SELECT ... FOR UPDATE) before a change, so concurrent inserts chain without gaps or forks.
  PERFORM 1 FROM tenants WHERE tenant_id = NEW.tenant_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant "%" is not in the registry: audit events belong to a registered tenant', NEW.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;

  SELECT a.event_id, a.chain_seq, a.hash INTO latest
    FROM audit_events a
   WHERE a.tenant_id = NEW.tenant_id
   ORDER BY a.chain_seq DESC
   LIMIT 1;

  IF FOUND THEN
    NEW.chain_seq := latest.chain_seq + 1;
    NEW.previous_event_id := latest.event_id;
    NEW.prev_hash := latest.hash;
  ELSE
    NEW.chain_seq := 1;
    NEW.previous_event_id := NULL;
    NEW.prev_hash := NULL;
  END IF;
  NEW.occurred_at := clock_timestamp();
  NEW.hash := encode(sha256(convert_to(audit_event_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$;

-- The times of a tenant row come from the server. provisioning_started_at and provisioned_at follow
-- the state as the registry set them before (entering PROVISIONING; PROVISIONING -> ACTIVE);
-- updated_at moves only when a recorded column changes.
CREATE FUNCTION tenants_server_times()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.created_at := now();
    NEW.updated_at := now();
    NEW.provisioning_started_at := NULL;
    NEW.provisioned_at := NULL;
    RETURN NEW;
  END IF;
  NEW.created_at := OLD.created_at;
  NEW.provisioning_started_at := CASE WHEN NEW.state = 'PROVISIONING' AND OLD.state IS DISTINCT FROM 'PROVISIONING' THEN now() ELSE OLD.provisioning_started_at END;
  NEW.provisioned_at := CASE WHEN NEW.state = 'ACTIVE' AND OLD.state = 'PROVISIONING' THEN now() ELSE OLD.provisioned_at END;
  NEW.updated_at := CASE
    WHEN (NEW.state, NEW.config, NEW.config_version, NEW.endpoints, NEW.age_public_key, NEW.credential_rotation)
         IS DISTINCT FROM (OLD.state, OLD.config, OLD.config_version, OLD.endpoints, OLD.age_public_key, OLD.credential_rotation)
    THEN now() ELSE OLD.updated_at END;
  RETURN NEW;
END;
$$;

CREATE TRIGGER tenants_server_times
  BEFORE INSERT OR UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenants_server_times();
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_server_times;

-- Raises unless this transaction inserted an event of `tenant` of one of `event_types` whose
-- details hold every key of `expected` with exactly its value and contain `contains` (jsonb @>).
-- `change` says what changed, for the message.
CREATE FUNCTION tenant_change_must_be_recorded(tenant TEXT, change TEXT, event_types TEXT[], expected JSONB, contains JSONB)
RETURNS void
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  wanted TEXT := array_to_string(event_types, ' or ');
  described TEXT;
BEGIN
  IF EXISTS (
    SELECT 1 FROM audit_events a
     WHERE a.tenant_id = tenant
       AND a.event_type = ANY (event_types)
       AND a.xmin = pg_current_xact_id()::xid
       AND a.details @> contains
       AND NOT EXISTS (SELECT 1 FROM jsonb_each(expected) e WHERE a.details -> e.key IS DISTINCT FROM e.value)
  ) THEN
    RETURN;
  END IF;
  described := CASE WHEN expected = '{}'::jsonb AND contains = '{}'::jsonb THEN ''
    ELSE format(' whose details hold %s', expected || contains) END;
  RAISE EXCEPTION 'tenant "%": % must be recorded with its % audit event in the same transaction', tenant, change, wanted
    USING ERRCODE = 'integrity_constraint_violation',
          HINT = format('the registry writes both (frostbyte tenant create, the portal, the stack); by hand, INSERT a %s event%s into audit_events in the same transaction', wanted, described);
END;
$$;

-- 009's deferred check, now covering every recorded column. A new row is compared with the values
-- a row starts with, so an INSERT that sets endpoints, an age key or a token records them too.
CREATE OR REPLACE FUNCTION tenants_require_audit_event()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  old_endpoints JSONB := '{}'::jsonb;
  old_age_key TEXT := NULL;
  old_rotation TEXT := 'initial';
  changed_settings JSONB;
  change TEXT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tenant_change_must_be_recorded(NEW.tenant_id, 'a new tenant', ARRAY['TENANT_CREATED'], '{}', '{}');
  ELSE
    old_endpoints := OLD.endpoints;
    old_age_key := OLD.age_public_key;
    old_rotation := OLD.credential_rotation;

    IF NEW.state IS DISTINCT FROM OLD.state THEN
      PERFORM tenant_change_must_be_recorded(NEW.tenant_id, format('%s -> %s', OLD.state, NEW.state),
        ARRAY[tenant_transition_event(OLD.state, NEW.state)], '{}', '{}');
    END IF;

    IF NEW.config IS DISTINCT FROM OLD.config OR NEW.config_version IS DISTINCT FROM OLD.config_version THEN
      SELECT coalesce(jsonb_agg(k ORDER BY k), '[]'::jsonb) INTO changed_settings
        FROM (SELECT jsonb_object_keys(OLD.config) UNION SELECT jsonb_object_keys(NEW.config)) AS keys (k)
       WHERE k <> 'config_version' AND OLD.config -> k IS DISTINCT FROM NEW.config -> k;
      change := CASE
        WHEN NEW.config_version IS DISTINCT FROM OLD.config_version THEN format('config_version %s -> %s', OLD.config_version, NEW.config_version)
        ELSE format('a config change of %s without a config_version bump', changed_settings)
      END;
      PERFORM tenant_change_must_be_recorded(NEW.tenant_id, change, ARRAY['TENANT_CONFIG_UPDATED'],
        jsonb_build_object('new_config_version', NEW.config_version),
        CASE WHEN changed_settings = '[]'::jsonb THEN '{}'::jsonb ELSE jsonb_build_object('changed_settings', changed_settings) END);
    END IF;
  END IF;

  IF NEW.endpoints IS DISTINCT FROM old_endpoints THEN
    PERFORM tenant_change_must_be_recorded(NEW.tenant_id, 'an endpoints change', ARRAY['TENANT_ENDPOINTS_UPDATED', 'TENANT_PROVISIONED'],
      jsonb_build_object('endpoints', NEW.endpoints), '{}');
  END IF;
  IF NEW.age_public_key IS DISTINCT FROM old_age_key THEN
    PERFORM tenant_change_must_be_recorded(NEW.tenant_id, 'an age_public_key change', ARRAY['TENANT_AGE_KEY_UPDATED'],
      jsonb_build_object('age_recipient', NEW.age_public_key), '{}');
  END IF;
  IF NEW.credential_rotation IS DISTINCT FROM old_rotation THEN
    PERFORM tenant_change_must_be_recorded(NEW.tenant_id, format('credential_rotation %s -> %s', old_rotation, NEW.credential_rotation),
      ARRAY['TENANT_ROTATION_TOKEN_UPDATED', 'TENANT_CREDENTIALS_ROTATED'], jsonb_build_object('rotation', NEW.credential_rotation), '{}');
  END IF;
  RETURN NULL;
END;
$$;
