-- Rollups kept current (issue 14, ADR 0011 amendment): the same counts and histograms,
-- for spans of a month ("2026-11"), a third of a month ("2026-11/1": days 1-10, "/2":
-- 11-20, "/3": 21 to the end) and a day ("2026-11-05"). Writing a fact row marks its day
-- dirty in the action's transaction; the worker rebuilds dirty days from their rows every
-- minute, and thirds and months as sums of the spans below. Rollups are derived: the old
-- month rollups are dropped and every day with fact rows is marked dirty.
DROP TABLE fact_rollups;
DROP TABLE fact_rollup_hist;
DROP TABLE fact_rollup_months;
CREATE TABLE fact_rollups (
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
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
CREATE INDEX fact_rollups_span ON fact_rollups(program_id, span);
-- Histograms by one dimension at a time (dim: all, pathway, kind, agency, provider; only
-- that dimension's column is set), so a whole-program query reads few rows.
CREATE TABLE fact_rollup_hist (
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    dim TEXT NOT NULL,
    pathway TEXT,
    agency_id UUID,
    agency_kind TEXT,
    provider_id UUID,
    measure TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX fact_rollup_hist_span ON fact_rollup_hist(program_id, span, dim);
-- Breakdowns of a span by one dimension at a time (dim: sex, race, ethnicity, age,
-- pathway, provider; the value in key, or in provider_id for the provider), for the
-- published reports. None of these counts depends on the time.
CREATE TABLE fact_rollup_groups (
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    provider_id UUID,
    encounters BIGINT NOT NULL,
    eligible BIGINT NOT NULL,
    offered_eligible BIGINT NOT NULL,
    accepted_eligible BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    referred BIGINT NOT NULL,
    engaged BIGINT NOT NULL
);
CREATE INDEX fact_rollup_groups_span ON fact_rollup_groups(program_id, span, dim);
-- A span's rollup, when it was built, and until when its counts that depend on the time
-- (30/60/90-day outcomes, retention, deadlines) stay as built (null: for good). A span with
-- fact rows and no entry here has a dirty day.
CREATE TABLE fact_rollup_spans (
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    built_at TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ,
    PRIMARY KEY (program_id, span)
);
-- Days whose fact rows changed since their rollup was built. Every write of a fact row
-- marks its day, in its own transaction, by these triggers: whoever writes (an action, a
-- rebuild, a bulk load), no change escapes the rollups.
CREATE TABLE fact_dirty_days (
    program_id UUID NOT NULL REFERENCES programs(id),
    day DATE NOT NULL,
    PRIMARY KEY (program_id, day)
);
CREATE FUNCTION fact_rows_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO fact_dirty_days (program_id, day) VALUES (OLD.program_id, OLD.day)
            ON CONFLICT (program_id, day) DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO fact_dirty_days (program_id, day) VALUES (NEW.program_id, NEW.day)
            ON CONFLICT (program_id, day) DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER fact_rows_dirty AFTER INSERT OR UPDATE OR DELETE ON fact_rows
    FOR EACH ROW EXECUTE FUNCTION fact_rows_dirty();
INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows;
