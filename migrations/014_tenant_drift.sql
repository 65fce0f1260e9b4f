-- The last drift check of each tenant (issue #15, scheduled drift detection): one row per tenant,
-- replaced by every check (a `drift` job: `pulumi preview --refresh`, from the schedule or from
-- `frostbyte fleet drift`). What the API, `frostbyte tenant show`, the console and /metrics show.
-- * result: in_sync (the stores match the desired state), drifted (changes: the changing engine
--   steps by op, e.g. {"update": 1}), failed (error: why, redacted by the writer).
-- * checked_at is the server's clock, whatever the writer sends (a trigger stamps it, as 011 does
--   for the tenant row's times); operation_id, when given, is the tenant's own `drift` operation.
-- * Beside `tenants`, not on it: 011 requires an audit event for every change of a tenant row, and
--   a check records no audit event on purpose. A check changes nothing of the tenant (DESIGN §5
--   records changes), and a schedule every few hours over hundreds of tenants would bury each
--   chain's changes under thousands of checks. Only the latest check is kept; the operation it
--   names keeps its progress, and a repair (`fleet up --refresh`) is audited as a change.

-- Up Migration
CREATE TABLE tenant_drift (
  tenant_id    TEXT        PRIMARY KEY REFERENCES tenants (tenant_id),
  checked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  result       TEXT        NOT NULL,
  changes      JSONB       NULL,
  error        TEXT        NULL,
  operation_id UUID        NULL REFERENCES operations (operation_id),
  CONSTRAINT tenant_drift_result_known CHECK (result IN ('in_sync', 'drifted', 'failed')),
  -- A non-empty object of step kinds (lower case, dashes) to positive integer counts.
  CONSTRAINT tenant_drift_changes_counts CHECK (changes IS NULL OR (
    jsonb_typeof(changes) = 'object' AND changes <> '{}'::jsonb
    AND NOT jsonb_path_exists(changes, '$.keyvalue() ? (!(@.key like_regex "^[a-z][a-z-]*$"))')
    AND NOT jsonb_path_exists(changes, '$.* ? (@.type() != "number")')
    AND NOT jsonb_path_exists(changes, '$.* ? (@ < 1 || @ != @.floor())'))),
  -- What each result has: changes exactly when drifted, an error exactly when failed.
  CONSTRAINT tenant_drift_result_columns CHECK (CASE result
    WHEN 'in_sync' THEN changes IS NULL AND error IS NULL
    WHEN 'drifted' THEN changes IS NOT NULL AND error IS NULL
    WHEN 'failed'  THEN changes IS NULL AND error IS NOT NULL AND error <> ''
  END)
);

-- The check's time is the server's; its operation, if named, is a drift operation of the same tenant.
CREATE FUNCTION tenant_drift_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  NEW.checked_at := now();
  IF NEW.operation_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM operations o WHERE o.operation_id = NEW.operation_id AND o.tenant_id = NEW.tenant_id AND o.kind = 'drift'
  ) THEN
    RAISE EXCEPTION 'drift check of tenant "%": operation % is not a drift operation of this tenant', NEW.tenant_id, NEW.operation_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER tenant_drift_guard
  BEFORE INSERT OR UPDATE ON tenant_drift
  FOR EACH ROW EXECUTE FUNCTION tenant_drift_guard();
ALTER TABLE tenant_drift ENABLE ALWAYS TRIGGER tenant_drift_guard;

REVOKE ALL ON TABLE tenant_drift FROM PUBLIC;
-- INSERT ... ON CONFLICT DO UPDATE needs all three; never DELETE: a tenant's last check stays with it.
GRANT SELECT, INSERT, UPDATE ON TABLE tenant_drift TO frostbyte_runtime;

-- Down Migration
DROP TABLE tenant_drift;
DROP FUNCTION tenant_drift_guard();
