-- Break-the-glass: emergency access to one case's clinical record, outside the user's
-- scope, for a stated reason and a limited time; every grant is reviewed by a
-- coordinator of the program.
CREATE TABLE emergency_access (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    encounter_id BLOB NOT NULL REFERENCES encounters(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    reviewed_by BLOB REFERENCES users(id),
    reviewed_at TEXT,
    review_note TEXT
);
CREATE INDEX emergency_access_case ON emergency_access(encounter_id, user_id);
CREATE INDEX emergency_access_program ON emergency_access(program_id, granted_at);
