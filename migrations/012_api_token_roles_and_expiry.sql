-- Authority you can trust (issue #13): the portal's tokens get a third role, an expiry, and end with
-- their tenant.
-- * kind: admin (operators), tenant (one tenant), and auditor (reads every tenant, its audit log and
--   its operations; changes nothing). What each may do is domain/authority.ts.
-- * expires_at: every token expires; the portal compares it with the database's now() on every
--   lookup. Tokens created before this migration expire 30 days after it ran. Nothing the runtime
--   role may do moves it (its only UPDATE grant is revoked_at, 006).
-- * A revocation is final: revoked_at, once set, never changes (no un-revoking a token by hand).
-- * When a tenant's deprovisioning starts (-> DEPROVISIONING) or ends (-> DEPROVISIONED), every token
--   of the tenant is revoked by the same transaction that records the state change, whoever writes
--   it (the portal, the stack's write-back, psql); and no tenant token is issued for a tenant in
--   either state.

-- Up Migration
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_kind_known;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_kind_known CHECK (kind IN ('admin', 'auditor', 'tenant'));

ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ NULL;
UPDATE api_tokens SET expires_at = greatest(now(), created_at) + interval '30 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_expires_after_created CHECK (expires_at > created_at);

CREATE FUNCTION api_tokens_revocation_is_final()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'api token %: revoked at %, and a revocation is final', OLD.token_id, OLD.revoked_at
      USING ERRCODE = 'integrity_constraint_violation', HINT = 'create a new token with frostbyte token create';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER api_tokens_revocation_final
  BEFORE UPDATE OF revoked_at ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION api_tokens_revocation_is_final();
ALTER TABLE api_tokens ENABLE ALWAYS TRIGGER api_tokens_revocation_final;

-- Runs as the tables' owner: whichever role moves the tenant, its tokens go with it.
CREATE FUNCTION tenants_revoke_tokens_when_closing()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
BEGIN
  UPDATE api_tokens SET revoked_at = now()
   WHERE tenant_id = NEW.tenant_id AND revoked_at IS NULL;
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION tenants_revoke_tokens_when_closing() FROM PUBLIC;

CREATE TRIGGER tenants_closing_revokes_tokens
  AFTER UPDATE OF state ON tenants
  FOR EACH ROW
  WHEN (NEW.state IN ('DEPROVISIONING', 'DEPROVISIONED') AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION tenants_revoke_tokens_when_closing();
ALTER TABLE tenants ENABLE ALWAYS TRIGGER tenants_closing_revokes_tokens;

-- The tenant row is read FOR SHARE: a token issued while the tenant is being moved waits for that
-- transaction and then sees the new state, so no token slips past the revocation above.
CREATE FUNCTION api_tokens_refuse_closed_tenant()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
DECLARE
  tenant_state TEXT;
BEGIN
  IF NEW.tenant_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT t.state INTO tenant_state FROM tenants t WHERE t.tenant_id = NEW.tenant_id FOR SHARE;
  IF tenant_state IN ('DEPROVISIONING', 'DEPROVISIONED') THEN
    RAISE EXCEPTION 'tenant "%" is %: its tokens were revoked and it gets no new one', NEW.tenant_id, tenant_state
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION api_tokens_refuse_closed_tenant() FROM PUBLIC;

CREATE TRIGGER api_tokens_tenant_open
  BEFORE INSERT ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION api_tokens_refuse_closed_tenant();
ALTER TABLE api_tokens ENABLE ALWAYS TRIGGER api_tokens_tenant_open;

-- Down Migration
-- Refused while an auditor token exists: the table keeps what it recorded.
DROP TRIGGER api_tokens_tenant_open ON api_tokens;
DROP FUNCTION api_tokens_refuse_closed_tenant();
DROP TRIGGER tenants_closing_revokes_tokens ON tenants;
DROP FUNCTION tenants_revoke_tokens_when_closing();
DROP TRIGGER api_tokens_revocation_final ON api_tokens;
DROP FUNCTION api_tokens_revocation_is_final();
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_expires_after_created;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_kind_known;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_kind_known CHECK (kind IN ('admin', 'tenant'));
