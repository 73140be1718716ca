-- One fact row per encounter, kept current by every action that changes its inputs, for
-- dashboards, reports and exports (issue 5, ADR 0011). No identity: only dimensions, flags
-- and durations in minutes from the encounter. Rows for earlier encounters are filled in
-- at start (app::facts::backfill).
CREATE TABLE case_facts (
    encounter_id UUID PRIMARY KEY REFERENCES encounters(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    occurred_at TIMESTAMPTZ NOT NULL,
    day DATE NOT NULL,
    month TEXT NOT NULL,
    pathway TEXT NOT NULL,
    agency_id UUID NOT NULL,
    agency_kind TEXT NOT NULL,
    officer_id UUID NOT NULL,
    provider_id UUID,
    participant_id UUID NOT NULL,
    sex TEXT NOT NULL,
    race TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    age BIGINT NOT NULL,
    prior_encounters BIGINT NOT NULL,
    eligible BOOLEAN NOT NULL,
    offered BOOLEAN NOT NULL,
    accepted BOOLEAN NOT NULL,
    referred BOOLEAN NOT NULL,
    screened BOOLEAN NOT NULL,
    handed_off BOOLEAN NOT NULL,
    warm_minutes BIGINT,
    contact_minutes BIGINT,
    intake_minutes BIGINT,
    engaged_minutes BIGINT,
    engaged_at TIMESTAMPTZ,
    exit_kind TEXT,
    exit_minutes BIGINT,
    deadline_ends_at TIMESTAMPTZ,
    deadline_met BOOLEAN,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_facts_program_day ON case_facts(program_id, day);
CREATE INDEX case_facts_agency_day ON case_facts(agency_id, day);
CREATE INDEX case_facts_officer_day ON case_facts(officer_id, day);
CREATE INDEX case_facts_provider_day ON case_facts(provider_id, day);

-- Published counts under this are suppressed (reports, exports, equity tables).
ALTER TABLE programs ADD COLUMN suppression_threshold BIGINT NOT NULL DEFAULT 11;
