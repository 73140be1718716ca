-- Safety flags on a person (issue 17, ADR 0021): the program's list of kinds, each with its
-- audience and what the outbox does for it; a flag set and cleared with reasons (sealed).
CREATE TABLE flag_kinds (
    program_id BLOB NOT NULL REFERENCES programs(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    audience TEXT NOT NULL,
    obey TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (program_id, code)
);
INSERT INTO flag_kinds (program_id, code, label, audience, obey, position, retired_at)
SELECT id, 'officer_safety', 'Officer safety', 'responders', 'none', 0, NULL FROM programs;
INSERT INTO flag_kinds (program_id, code, label, audience, obey, position, retired_at)
SELECT id, 'no_home_contact', 'Do not contact at home', 'contacts', 'no_home', 1, NULL FROM programs;
INSERT INTO flag_kinds (program_id, code, label, audience, obey, position, retired_at)
SELECT id, 'dv_no_messages', 'Domestic violence: leave no messages', 'contacts', 'no_messages', 2, NULL FROM programs;

CREATE TABLE participant_flags (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    participant_id BLOB NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    set_by BLOB NOT NULL REFERENCES users(id),
    set_at TEXT NOT NULL,
    set_reason TEXT NOT NULL,
    cleared_by BLOB REFERENCES users(id),
    cleared_at TEXT,
    clear_reason TEXT
);
CREATE INDEX participant_flags_person ON participant_flags(participant_id);
