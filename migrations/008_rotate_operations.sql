-- The portal's `POST /tenants/:id/rotate`: a `rotate` operation (credential rotation, see 007).

-- Up Migration
ALTER TABLE operations DROP CONSTRAINT operations_kind_known;
ALTER TABLE operations ADD CONSTRAINT operations_kind_known
  CHECK (kind IN ('provision', 'preview', 'update_config', 'suspend', 'resume', 'deprovision', 'rotate'));

-- Down Migration
-- Refused while any rotate operation exists: the operations table keeps what it recorded.
ALTER TABLE operations DROP CONSTRAINT operations_kind_known;
ALTER TABLE operations ADD CONSTRAINT operations_kind_known
  CHECK (kind IN ('provision', 'preview', 'update_config', 'suspend', 'resume', 'deprovision'));
