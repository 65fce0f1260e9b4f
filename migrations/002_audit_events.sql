-- Audit log (DESIGN §4, §5): append-only, one hash chain per tenant.
-- The chain is built here, in the database, so no client can choose an event's place or hash:
-- chain_seq counts a tenant's events from 1, previous_event_id and prev_hash point at the event
-- before, and hash = sha256 of the canonical text (audit_event_canonical) which ends with prev_hash.
-- controlplane/canonical.ts builds the same text to verify a chain from outside.
-- This migration has no down part on purpose: no tool drops the audit log.

-- Up Migration
CREATE TABLE audit_events (
  event_id          UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         TEXT        NOT NULL REFERENCES tenants (tenant_id),
  chain_seq         INTEGER     NOT NULL,
  event_type        TEXT        NOT NULL,
  occurred_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  actor             TEXT        NOT NULL,
  resource_type     TEXT        NULL,
  resource_id       TEXT        NULL,
  details           JSONB       NOT NULL DEFAULT '{}'::jsonb,
  previous_event_id UUID        NULL REFERENCES audit_events (event_id),
  prev_hash         TEXT        NULL,
  hash              TEXT        NOT NULL,
  CONSTRAINT audit_events_type_known CHECK (event_type IN (
    'TENANT_CREATED', 'TENANT_PROVISION_STARTED', 'TENANT_PROVISIONED', 'TENANT_PROVISION_FAILED',
    'TENANT_CONFIG_UPDATED', 'TENANT_ISOLATION_VERIFIED', 'TENANT_SUSPENDED', 'TENANT_RESUMED',
    'TENANT_DEPROVISION_STARTED', 'TENANT_DEPROVISIONED')),
  CONSTRAINT audit_events_actor_present CHECK (actor <> ''),
  CONSTRAINT audit_events_details_is_object CHECK (jsonb_typeof(details) = 'object'),
  CONSTRAINT audit_events_chain_position UNIQUE (tenant_id, chain_seq),
  CONSTRAINT audit_events_one_successor UNIQUE (previous_event_id),
  CONSTRAINT audit_events_chain_start CHECK (
    (chain_seq = 1) = (previous_event_id IS NULL) AND (previous_event_id IS NULL) = (prev_hash IS NULL)),
  CONSTRAINT audit_events_hashes_hex CHECK (hash ~ '^[0-9a-f]{64}$' AND (prev_hash IS NULL OR prev_hash ~ '^[0-9a-f]{64}$'))
);

CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

-- One field of the canonical text: \ and | escaped, NULL as \N.
CREATE FUNCTION audit_canonical_field(value TEXT)
RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN value IS NULL THEN E'\\N' ELSE replace(replace(value, E'\\', E'\\\\'), '|', E'\\|') END
$$;

CREATE FUNCTION audit_event_canonical(e audit_events)
RETURNS TEXT
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  SELECT array_to_string(ARRAY[
    'frostbyte-audit-v1',
    audit_canonical_field(e.event_id::text),
    audit_canonical_field(e.tenant_id),
    audit_canonical_field(e.chain_seq::text),
    audit_canonical_field(e.event_type),
    audit_canonical_field(to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
    audit_canonical_field(e.actor),
    audit_canonical_field(e.resource_type),
    audit_canonical_field(e.resource_id),
    audit_canonical_field(e.details::text),
    audit_canonical_field(e.previous_event_id::text),
    audit_canonical_field(e.prev_hash)
  ], '|')
$$;

CREATE FUNCTION audit_events_chain()
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
  NEW.hash := encode(sha256(convert_to(audit_event_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$;

CREATE FUNCTION audit_events_refuse_change()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_chain
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- ALWAYS: session_replication_role = replica does not switch these off; only an explicit
-- ALTER TABLE ... DISABLE TRIGGER by the owner or a superuser does, and verifyChain catches that.
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only;
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;
