-- The runtime role (controlplane/README.md, "Roles"): NOLOGIN, holds only the DML the registry
-- needs. Login roles of the services are made members of it by the operator.
-- tenants: SELECT, INSERT, UPDATE (never DELETE); audit_events: SELECT, INSERT only.
-- The role is cluster-wide, so it is created only when absent and never dropped here.

-- Up Migration
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'frostbyte_runtime') THEN
    BEGIN
      CREATE ROLE frostbyte_runtime NOLOGIN;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'role frostbyte_runtime does not exist and % may not create roles', current_user
        USING HINT = 'a superuser runs: CREATE ROLE frostbyte_runtime NOLOGIN; then run the migration again';
    END;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO frostbyte_runtime', current_schema());
END;
$$;

REVOKE ALL ON TABLE tenants, audit_events FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE tenants TO frostbyte_runtime;
GRANT SELECT, INSERT ON TABLE audit_events TO frostbyte_runtime;

-- Down Migration
REVOKE ALL ON TABLE tenants, audit_events FROM frostbyte_runtime;
DO $$
BEGIN
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM frostbyte_runtime', current_schema());
END;
$$;
