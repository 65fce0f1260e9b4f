-- The control-plane database is closed to PUBLIC (DESIGN §2, issue #11): PostgreSQL grants CONNECT
-- and TEMPORARY on every new database to PUBLIC, so a tenant's login role on the same server could
-- connect here, read the catalog and function sources, and spend connection slots. Only the
-- project's own roles connect: the migration role owns the database (an owner always may) and
-- frostbyte_runtime, whose members are the services' login roles, is granted CONNECT.

-- Up Migration
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO frostbyte_runtime', current_database());
END;
$$;

-- Down Migration
DO $$
BEGIN
  EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM frostbyte_runtime', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END;
$$;
