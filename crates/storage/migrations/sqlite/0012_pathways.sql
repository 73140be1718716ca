-- Every pathway on one case model (issue 4, ADR 0010): what a pathway adds to an
-- encounter (overdose, surrender without charge, contact kind and verified prior
-- involvement, outreach list, call for service, team, follow-up due day), and the contact
-- attempts of Active Outreach and Naloxone Plus follow-ups (the note is encrypted).
CREATE TABLE encounter_facts (
    encounter_id BLOB PRIMARY KEY REFERENCES encounters(id),
    naloxone_doses INTEGER,
    transported INTEGER,
    surrendered_items TEXT,
    contact_kind TEXT,
    prior_involvement_on TEXT,
    prior_involvement_ref TEXT,
    outreach_source TEXT,
    call_type TEXT,
    police_present INTEGER,
    team TEXT,
    follow_up_due TEXT
);
CREATE TABLE contact_attempts (
    id BLOB PRIMARY KEY,
    encounter_id BLOB NOT NULL REFERENCES encounters(id),
    program_id BLOB NOT NULL REFERENCES programs(id),
    attempted_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    team TEXT NOT NULL,
    note TEXT,
    recorded_by BLOB NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX contact_attempts_encounter ON contact_attempts(encounter_id, attempted_at);
CREATE INDEX encounters_agency_pathway ON encounters(agency_id, pathway, occurred_at);
