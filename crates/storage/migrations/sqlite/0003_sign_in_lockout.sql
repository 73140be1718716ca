-- Failed sign-ins within the lockout window, and the lock an administrator lifts.
ALTER TABLE users ADD COLUMN failed_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_since TEXT;
ALTER TABLE users ADD COLUMN locked_at TEXT;
-- When an administrator last unlocked or re-enabled the account (restarts the 90 days).
ALTER TABLE users ADD COLUMN unlocked_at TEXT;
