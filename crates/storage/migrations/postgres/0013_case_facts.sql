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

-- Month rollups of the fact rows (ADR 0011): counts and duration histograms per month,
-- pathway, agency and provider, for months that ended more than 91 days before they
-- were built (every 30/60/90-day outcome known). Writing a fact row drops its month's
-- rollup; the worker rebuilds it. Reads combine rollups with live counts of the rest.
CREATE TABLE fact_rollups (
    program_id UUID NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    pathway TEXT NOT NULL,
    agency_id UUID NOT NULL,
    agency_kind TEXT NOT NULL,
    provider_id UUID,
    encounters BIGINT NOT NULL,
    new_people BIGINT NOT NULL,
    eligible BIGINT NOT NULL,
    offered BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    referred BIGINT NOT NULL,
    screened BIGINT NOT NULL,
    handed_off BIGINT NOT NULL,
    intakes BIGINT NOT NULL,
    engaged BIGINT NOT NULL,
    repeat_encounters BIGINT NOT NULL,
    engaged_30 BIGINT NOT NULL,
    known_30 BIGINT NOT NULL,
    engaged_60 BIGINT NOT NULL,
    known_60 BIGINT NOT NULL,
    engaged_90 BIGINT NOT NULL,
    known_90 BIGINT NOT NULL,
    retained_30 BIGINT NOT NULL,
    retention_known_30 BIGINT NOT NULL,
    retained_90 BIGINT NOT NULL,
    retention_known_90 BIGINT NOT NULL,
    deadlines_met BIGINT NOT NULL,
    deadlines_missed BIGINT NOT NULL,
    deadlines_open BIGINT NOT NULL
);
CREATE INDEX fact_rollups_month ON fact_rollups(program_id, month);
-- Histograms by one dimension at a time (dim: all, pathway, kind, agency, provider; only
-- that dimension's column is set), so a whole-program query reads few rows.
CREATE TABLE fact_rollup_hist (
    program_id UUID NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    dim TEXT NOT NULL,
    pathway TEXT,
    agency_id UUID,
    agency_kind TEXT,
    provider_id UUID,
    measure TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX fact_rollup_hist_month ON fact_rollup_hist(program_id, dim, month);
CREATE TABLE fact_rollup_months (
    program_id UUID NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    built_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (program_id, month)
);
