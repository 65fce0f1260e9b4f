-- Operations of the portal (DESIGN §9 `frostbyte portal`): one row per long-running stack operation
-- on a tenant (provision, preview, config update, suspend, resume, deprovision), and its progress.
-- An operation moves queued -> running -> succeeded | failed (or queued -> failed); a finished one
-- never changes again. At most one operation per tenant is queued or running, whoever inserts it.
-- `error` is redacted by the code before it is written; progress events never carry a secret.

-- Up Migration
CREATE TABLE operations (
  operation_id UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    TEXT        NOT NULL REFERENCES tenants (tenant_id),
  kind         TEXT        NOT NULL,
  state        TEXT        NOT NULL DEFAULT 'queued',
  actor        TEXT        NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at   TIMESTAMPTZ NULL,
  finished_at  TIMESTAMPTZ NULL,
  error        TEXT        NULL,
  result       JSONB       NULL,
  CONSTRAINT operations_kind_known CHECK (kind IN ('provision', 'preview', 'update_config', 'suspend', 'resume', 'deprovision')),
  CONSTRAINT operations_state_known CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  CONSTRAINT operations_actor_present CHECK (actor <> ''),
  CONSTRAINT operations_result_is_object CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
  -- What each state has: started and finished times, and an error exactly when failed.
  CONSTRAINT operations_state_columns CHECK (CASE state
    WHEN 'queued'    THEN started_at IS NULL AND finished_at IS NULL AND error IS NULL
    WHEN 'running'   THEN started_at IS NOT NULL AND finished_at IS NULL AND error IS NULL
    WHEN 'succeeded' THEN started_at IS NOT NULL AND finished_at IS NOT NULL AND error IS NULL
    WHEN 'failed'    THEN finished_at IS NOT NULL AND error IS NOT NULL AND error <> ''
  END)
);

-- One queued or running operation per tenant: a second one is refused by the database too.
CREATE UNIQUE INDEX operations_one_active_per_tenant ON operations (tenant_id) WHERE state IN ('queued', 'running');
CREATE INDEX operations_tenant_created_idx ON operations (tenant_id, created_at);

CREATE FUNCTION operations_guard()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF (NEW.operation_id, NEW.tenant_id, NEW.kind, NEW.actor, NEW.created_at)
     IS DISTINCT FROM (OLD.operation_id, OLD.tenant_id, OLD.kind, OLD.actor, OLD.created_at) THEN
    RAISE EXCEPTION 'operation %: its id, tenant, kind, actor and creation time never change', OLD.operation_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.state IN ('succeeded', 'failed') THEN
    RAISE EXCEPTION 'operation % is % and never changes again', OLD.operation_id, OLD.state
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.state IS DISTINCT FROM OLD.state AND (OLD.state, NEW.state) NOT IN
     (('queued', 'running'), ('queued', 'failed'), ('running', 'succeeded'), ('running', 'failed')) THEN
    RAISE EXCEPTION 'operation %: % -> % is not allowed', OLD.operation_id, OLD.state, NEW.state
      USING ERRCODE = 'check_violation', HINT = 'queued -> running -> succeeded | failed, or queued -> failed';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER operations_guard
  BEFORE UPDATE ON operations
  FOR EACH ROW EXECUTE FUNCTION operations_guard();

-- ALWAYS: session_replication_role = replica does not switch the guard off.
ALTER TABLE operations ENABLE ALWAYS TRIGGER operations_guard;

-- The progress stream of an operation, in order (seq from 1): what the portal's SSE replays.
CREATE TABLE operation_events (
  operation_id UUID        NOT NULL REFERENCES operations (operation_id),
  seq          INTEGER     NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  event        JSONB       NOT NULL,
  PRIMARY KEY (operation_id, seq),
  CONSTRAINT operation_events_seq_positive CHECK (seq >= 1),
  CONSTRAINT operation_events_typed CHECK (jsonb_typeof(event) = 'object' AND jsonb_typeof(event -> 'type') = 'string')
);

REVOKE ALL ON TABLE operations, operation_events FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE operations TO frostbyte_runtime;
GRANT SELECT, INSERT ON TABLE operation_events TO frostbyte_runtime;

-- Down Migration
DROP TABLE operation_events;
DROP TABLE operations;
DROP FUNCTION operations_guard();
