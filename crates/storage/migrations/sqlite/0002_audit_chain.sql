-- The audit log becomes a hash chain (docs/adr/0007): each record carries its place in the
-- chain, the seal of the record before it and its own seal (HMAC-SHA256 with a server key
-- kept outside the database). Records written before this migration are sealed at start-up.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit_log(seq);
CREATE INDEX audit_at ON audit_log(at);
