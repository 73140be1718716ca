-- Break-the-glass: emergency access to one case's clinical record, outside the user's
-- scope, for a stated reason and a limited time; every grant is reviewed by a
-- coordinator of the program.
CREATE TABLE emergency_access (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    user_id UUID NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    reviewed_by UUID REFERENCES users(id),
    reviewed_at TIMESTAMPTZ,
    review_note TEXT
);
CREATE INDEX emergency_access_case ON emergency_access(encounter_id, user_id);
CREATE INDEX emergency_access_program ON emergency_access(program_id, granted_at);
