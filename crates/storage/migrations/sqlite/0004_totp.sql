-- TOTP multi-factor sign-in (RFC 6238): the user's secret once enrolment is confirmed,
-- and the last time step accepted, so that each code is accepted once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enrolled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- A session is 'full' once every factor is checked; 'code' after the password while the
-- code is awaited; 'enrol' after the password while a new secret (pending_secret) is
-- confirmed. Only full sessions open pages.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
ALTER TABLE sessions ADD COLUMN pending_secret TEXT;
-- One-time recovery codes (only their hashes), for a lost authenticator.
CREATE TABLE recovery_codes (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
