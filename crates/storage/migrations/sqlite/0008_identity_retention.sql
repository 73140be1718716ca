-- People found ineligible, or who declined, gave no consent to be kept: their identity
-- is erased after the program's retention period, while their encounters' demographics
-- and offenses stay for equity reporting (issue 3, item 8).
ALTER TABLE programs ADD COLUMN identity_retention_days INTEGER NOT NULL DEFAULT 90;
ALTER TABLE participants ADD COLUMN erased_at TEXT;
