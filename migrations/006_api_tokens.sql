-- Bearer tokens of the portal (DESIGN §9 `frostbyte portal`). Only the sha256 of a token is stored;
-- the token itself is printed once by `frostbyte token create` and never kept. An admin token sees
-- every tenant; a tenant token only its own tenant. A revoked token stays, for the record.

-- Up Migration
CREATE TABLE api_tokens (
  token_id   UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash TEXT        NOT NULL,
  kind       TEXT        NOT NULL,
  tenant_id  TEXT        NULL REFERENCES tenants (tenant_id),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at TIMESTAMPTZ NULL,
  CONSTRAINT api_tokens_hash_unique UNIQUE (token_hash),
  CONSTRAINT api_tokens_hash_is_sha256 CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT api_tokens_kind_known CHECK (kind IN ('admin', 'tenant')),
  CONSTRAINT api_tokens_tenant_scope CHECK ((kind = 'tenant') = (tenant_id IS NOT NULL)),
  CONSTRAINT api_tokens_revoked_after_created CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);

CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant_id);

-- Services and operators (members of frostbyte_runtime) look tokens up, create them and revoke
-- them; nothing else of a token ever changes and none is deleted.
REVOKE ALL ON TABLE api_tokens FROM PUBLIC;
GRANT SELECT, INSERT ON TABLE api_tokens TO frostbyte_runtime;
GRANT UPDATE (revoked_at) ON TABLE api_tokens TO frostbyte_runtime;

-- Down Migration
DROP TABLE api_tokens;
