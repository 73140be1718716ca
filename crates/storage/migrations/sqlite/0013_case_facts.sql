-- One fact row per encounter, kept current by every action that changes its inputs, for
-- dashboards, reports and exports (issue 5, ADR 0011). No identity: only dimensions, flags
-- and durations in minutes from the encounter. Rows for earlier encounters are filled in
-- at start (app::facts::backfill).
CREATE TABLE case_facts (
    encounter_id BLOB PRIMARY KEY REFERENCES encounters(id),
    program_id BLOB NOT NULL REFERENCES programs(id),
    occurred_at TEXT NOT NULL,
    day TEXT NOT NULL,
    month TEXT NOT NULL,
    pathway TEXT NOT NULL,
    agency_id BLOB NOT NULL,
    agency_kind TEXT NOT NULL,
    officer_id BLOB NOT NULL,
    provider_id BLOB,
    participant_id BLOB NOT NULL,
    sex TEXT NOT NULL,
    race TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    age INTEGER NOT NULL,
    prior_encounters INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    referred INTEGER NOT NULL,
    screened INTEGER NOT NULL,
    handed_off INTEGER NOT NULL,
    warm_minutes INTEGER,
    contact_minutes INTEGER,
    intake_minutes INTEGER,
    engaged_minutes INTEGER,
    engaged_at TEXT,
    exit_kind TEXT,
    exit_minutes INTEGER,
    deadline_ends_at TEXT,
    deadline_met INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX case_facts_program_day ON case_facts(program_id, day);
CREATE INDEX case_facts_agency_day ON case_facts(agency_id, day);
CREATE INDEX case_facts_officer_day ON case_facts(officer_id, day);
CREATE INDEX case_facts_provider_day ON case_facts(provider_id, day);

-- Published counts under this are suppressed (reports, exports, equity tables).
ALTER TABLE programs ADD COLUMN suppression_threshold INTEGER NOT NULL DEFAULT 11;

-- Month rollups of the fact rows (ADR 0011): counts and duration histograms per month,
-- pathway, agency and provider, for months that ended more than 91 days before they
-- were built (every 30/60/90-day outcome known). Writing a fact row drops its month's
-- rollup; the worker rebuilds it. Reads combine rollups with live counts of the rest.
CREATE TABLE fact_rollups (
    program_id BLOB NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    pathway TEXT NOT NULL,
    agency_id BLOB NOT NULL,
    agency_kind TEXT NOT NULL,
    provider_id BLOB,
    encounters INTEGER NOT NULL,
    new_people INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    referred INTEGER NOT NULL,
    screened INTEGER NOT NULL,
    handed_off INTEGER NOT NULL,
    intakes INTEGER NOT NULL,
    engaged INTEGER NOT NULL,
    repeat_encounters INTEGER NOT NULL,
    engaged_30 INTEGER NOT NULL,
    known_30 INTEGER NOT NULL,
    engaged_60 INTEGER NOT NULL,
    known_60 INTEGER NOT NULL,
    engaged_90 INTEGER NOT NULL,
    known_90 INTEGER NOT NULL,
    retained_30 INTEGER NOT NULL,
    retention_known_30 INTEGER NOT NULL,
    retained_90 INTEGER NOT NULL,
    retention_known_90 INTEGER NOT NULL,
    deadlines_met INTEGER NOT NULL,
    deadlines_missed INTEGER NOT NULL,
    deadlines_open INTEGER NOT NULL
);
CREATE INDEX fact_rollups_month ON fact_rollups(program_id, month);
-- Histograms by one dimension at a time (dim: all, pathway, kind, agency, provider; only
-- that dimension's column is set), so a whole-program query reads few rows.
CREATE TABLE fact_rollup_hist (
    program_id BLOB NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    dim TEXT NOT NULL,
    pathway TEXT,
    agency_id BLOB,
    agency_kind TEXT,
    provider_id BLOB,
    measure TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL
);
CREATE INDEX fact_rollup_hist_month ON fact_rollup_hist(program_id, dim, month);
CREATE TABLE fact_rollup_months (
    program_id BLOB NOT NULL REFERENCES programs(id),
    month TEXT NOT NULL,
    built_at TEXT NOT NULL,
    PRIMARY KEY (program_id, month)
);
