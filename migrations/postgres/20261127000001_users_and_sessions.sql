-- Users and their sessions. Times are Unix milliseconds (UTC), as in the SQLite schema, so both
-- backends share one store layer; ids are UUID strings.
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'bartender', 'admin')),
    password_hash TEXT NOT NULL,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- One row per signed-in device. Only hashes of tokens are stored; the
-- refresh seed lets the server (and only the server, with its secret)
-- re-issue the current refresh token inside the reuse grace window.
CREATE TABLE user_sessions (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_token_hash  TEXT NOT NULL,
    previous_token_hash TEXT,
    refresh_seed        TEXT NOT NULL,
    rotated_at          BIGINT NOT NULL,
    access_token_jti    TEXT,
    device_info         TEXT NOT NULL,
    ip_address          TEXT,
    user_agent          TEXT,
    client_app          TEXT CHECK (client_app IN ('customer', 'bartender', 'admin')),
    is_active           BOOLEAN NOT NULL DEFAULT TRUE,
    expires_at          BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    last_activity       BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    revoked_at          BIGINT,
    revoked_reason      TEXT
);

CREATE INDEX idx_user_sessions_user_id ON user_sessions (user_id);
CREATE UNIQUE INDEX idx_user_sessions_refresh_token_hash ON user_sessions (refresh_token_hash);
CREATE INDEX idx_user_sessions_is_active ON user_sessions (is_active);
CREATE INDEX idx_user_sessions_expires_at ON user_sessions (expires_at);
