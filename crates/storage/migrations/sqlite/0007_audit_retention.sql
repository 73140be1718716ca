-- Audit retention: records older than the retention period may be removed from the
-- start of the chain. The last removed record's seal is kept here, itself sealed with
-- the server key, so that the chain still verifies from it and a removal by anyone
-- else is still detected (docs/adr/0007).
CREATE TABLE audit_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through_seq INTEGER NOT NULL,
    through_hash TEXT NOT NULL,
    through_at TEXT NOT NULL,
    pruned_at TEXT NOT NULL,
    records_pruned INTEGER NOT NULL,
    mac TEXT NOT NULL
);
-- The trail is searched by user too (coordinators); by time, 0002's index serves.
CREATE INDEX audit_user ON audit_log(user_id, seq);
