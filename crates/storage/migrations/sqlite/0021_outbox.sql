-- One outbox for everything that leaves Handoff (issue 17, ADR 0019): a row per recipient
-- and cause (the unique dedupe key), written in the causing action's transaction, delivered
-- by the worker under a lease. Address, subject and body are sealed (encrypted) at rest.
CREATE TABLE messages (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    dedupe_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,
    recipient_id BLOB,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    cause_kind TEXT NOT NULL,
    cause_id BLOB,
    -- queued, sent, failed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX messages_due ON messages(state, next_at);
CREATE INDEX messages_cause ON messages(cause_id);

-- Where a staff member is paged, in order (email now); sealed at rest.
CREATE TABLE user_contacts (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX user_contacts_user ON user_contacts(user_id, position);

-- A warm handoff's paging ladder: who was paged at which rung, and when.
CREATE TABLE pages (
    referral_id BLOB NOT NULL REFERENCES referrals(id),
    rung INTEGER NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    paged_at TEXT NOT NULL,
    -- The message sent (none when the person has no contact point).
    message_id BLOB,
    PRIMARY KEY (referral_id, rung, user_id)
);

-- Acknowledging a page is its own step, before accepting.
ALTER TABLE referrals ADD COLUMN acknowledged_at TEXT;
ALTER TABLE referrals ADD COLUMN acknowledged_by BLOB REFERENCES users(id);
-- The order of those on shift: 0 first, then the backups.
ALTER TABLE on_call_shifts ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
-- How long a rung of the paging ladder waits for an acknowledgement.
ALTER TABLE programs ADD COLUMN page_window_minutes INTEGER NOT NULL DEFAULT 10;
