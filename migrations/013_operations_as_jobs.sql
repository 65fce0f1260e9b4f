-- Operations as jobs (issue #15): any number of `frostbyte worker` processes take operations from
-- the job queue (pg-boss, in its own schema, installed by controlplane/queue/install.ts right after
-- these migrations) and run them; any number of portals enqueue them and stream their progress.
-- * Three new kinds: `drift` (preview after a refresh; the fleet's and the drift schedule's), `up`
--   (to the registry's desired state; the fleet's) and `repair` (`up` after a refresh; `fleet up --refresh`).
-- * workers: one row per worker process, its heartbeat and the state backend it runs stacks on.
-- * operations.worker_id / attempt: who runs the operation now, and how many times it was started.
--   A worker that stopped answering loses its job to another, which starts the next attempt.
-- * operation_attempts: every start of an operation by a worker and how it ended. At most one
--   attempt per tenant is open, whoever inserts it: two workers never run one tenant's stack at once.
-- * A NOTIFY on `frostbyte_operation_progress` (payload: the operation id) for every progress
--   event and every change of an operation's state, so every portal can follow every operation.

-- Up Migration
ALTER TABLE operations DROP CONSTRAINT operations_kind_known;
ALTER TABLE operations ADD CONSTRAINT operations_kind_known
  CHECK (kind IN ('provision', 'preview', 'update_config', 'suspend', 'resume', 'deprovision', 'rotate', 'drift', 'up', 'repair'));

CREATE TABLE workers (
  worker_id     TEXT        PRIMARY KEY,
  host          TEXT        NOT NULL,
  pid           INTEGER     NOT NULL,
  -- The backend's URL without credentials (file:///dir, postgres://host:port/db, s3://bucket).
  state_backend TEXT        NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  stopped_at    TIMESTAMPTZ NULL,
  CONSTRAINT workers_id_present CHECK (worker_id <> '' AND host <> '' AND state_backend <> ''),
  CONSTRAINT workers_backend_without_credentials CHECK (state_backend !~ '^[a-z0-9+.-]+://[^/]*@')
);

ALTER TABLE operations ADD COLUMN worker_id TEXT NULL REFERENCES workers (worker_id);
ALTER TABLE operations ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operations ADD CONSTRAINT operations_attempt_counted CHECK (attempt >= 0 AND (state <> 'queued' OR (attempt = 0 AND worker_id IS NULL)));

CREATE TABLE operation_attempts (
  operation_id UUID        NOT NULL REFERENCES operations (operation_id),
  attempt      INTEGER     NOT NULL,
  tenant_id    TEXT        NOT NULL REFERENCES tenants (tenant_id),
  worker_id    TEXT        NOT NULL REFERENCES workers (worker_id),
  started_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  ended_at     TIMESTAMPTZ NULL,
  -- succeeded / failed: the operation ended; lost: its worker stopped answering and another took it
  -- over; cancelled: its worker stopped (shutdown) or lost its claim.
  outcome      TEXT        NULL,
  PRIMARY KEY (operation_id, attempt),
  CONSTRAINT operation_attempts_numbered CHECK (attempt >= 1),
  CONSTRAINT operation_attempts_outcome_known CHECK (outcome IN ('succeeded', 'failed', 'lost', 'cancelled')),
  CONSTRAINT operation_attempts_ended CHECK ((ended_at IS NULL) = (outcome IS NULL))
);

CREATE UNIQUE INDEX operation_attempts_one_open_per_tenant ON operation_attempts (tenant_id) WHERE ended_at IS NULL;
CREATE INDEX operation_attempts_worker_idx ON operation_attempts (worker_id) WHERE ended_at IS NULL;

CREATE FUNCTION operation_attempts_guard()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF (NEW.operation_id, NEW.attempt, NEW.tenant_id, NEW.worker_id, NEW.started_at)
     IS DISTINCT FROM (OLD.operation_id, OLD.attempt, OLD.tenant_id, OLD.worker_id, OLD.started_at) THEN
    RAISE EXCEPTION 'operation attempt %/%: only its end is recorded later', OLD.operation_id, OLD.attempt
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.ended_at IS NOT NULL THEN
    RAISE EXCEPTION 'operation attempt %/% ended (%) and never changes again', OLD.operation_id, OLD.attempt, OLD.outcome
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER operation_attempts_guard
  BEFORE UPDATE ON operation_attempts
  FOR EACH ROW EXECUTE FUNCTION operation_attempts_guard();
ALTER TABLE operation_attempts ENABLE ALWAYS TRIGGER operation_attempts_guard;

CREATE FUNCTION operation_progress_notify()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify('frostbyte_operation_progress', NEW.operation_id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER operation_events_notify
  AFTER INSERT ON operation_events
  FOR EACH ROW EXECUTE FUNCTION operation_progress_notify();
CREATE TRIGGER operations_notify
  AFTER UPDATE OF state ON operations
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION operation_progress_notify();

REVOKE ALL ON TABLE workers, operation_attempts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE workers TO frostbyte_runtime;
GRANT SELECT, INSERT, UPDATE ON TABLE operation_attempts TO frostbyte_runtime;

-- Down Migration
DROP TRIGGER operations_notify ON operations;
DROP TRIGGER operation_events_notify ON operation_events;
DROP FUNCTION operation_progress_notify();
DROP TABLE operation_attempts;
DROP FUNCTION operation_attempts_guard();
ALTER TABLE operations DROP CONSTRAINT operations_attempt_counted;
ALTER TABLE operations DROP COLUMN attempt;
ALTER TABLE operations DROP COLUMN worker_id;
DROP TABLE workers;
ALTER TABLE operations DROP CONSTRAINT operations_kind_known;
ALTER TABLE operations ADD CONSTRAINT operations_kind_known
  CHECK (kind IN ('provision', 'preview', 'update_config', 'suspend', 'resume', 'deprovision', 'rotate'));
