-- Bumped whenever a user's credentials or standing change (password
-- changed or reset, account deactivated). A login reads it with the
-- password hash and opens its session only if it is unchanged, in the
-- same statement, so a login that checked an old password cannot outlive
-- the change that ended the user's sessions.
ALTER TABLE users ADD COLUMN credentials_version BIGINT NOT NULL DEFAULT 0;
