-- When a session's user last proved their password (login, or
-- re-authentication): sensitive actions need it recent. 0 for sessions
-- from before this column, which therefore ask again.
ALTER TABLE user_sessions ADD COLUMN reauth_at BIGINT NOT NULL DEFAULT 0;

-- The security activity log: what happened to whose account, for the
-- account's owner and for admins. Never a token or a password.
CREATE TABLE security_events (
    id              BIGSERIAL PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    session_id      TEXT,
    ip_address      TEXT,
    -- The client's network (IPv4 /24, IPv6 /48): what a new-device check compares.
    network         TEXT,
    device          TEXT,
    client_app      TEXT,
    detail          TEXT,
    -- New-device alerts: whether the user's other sessions were told at
    -- once (if none was open, the next sign-in elsewhere shows it), and
    -- when the owner answered ("it was me", or signed it out).
    announced       BOOLEAN NOT NULL DEFAULT FALSE,
    acknowledged_at BIGINT
);
CREATE INDEX idx_security_events_user ON security_events (user_id, id);
CREATE INDEX idx_security_events_created_at ON security_events (created_at);
CREATE INDEX idx_security_events_kind ON security_events (kind, id);
