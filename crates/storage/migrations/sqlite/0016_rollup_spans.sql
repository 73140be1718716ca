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
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
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
CREATE INDEX fact_rollups_span ON fact_rollups(program_id, span);
-- Histograms by one dimension at a time (dim: all, pathway, kind, agency, provider; only
-- that dimension's column is set), so a whole-program query reads few rows.
CREATE TABLE fact_rollup_hist (
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    dim TEXT NOT NULL,
    pathway TEXT,
    agency_id BLOB,
    agency_kind TEXT,
    provider_id BLOB,
    measure TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL
);
CREATE INDEX fact_rollup_hist_span ON fact_rollup_hist(program_id, span, dim);
-- Breakdowns of a span by one dimension at a time (dim: sex, race, ethnicity, age,
-- pathway, provider; the value in key, or in provider_id for the provider), for the
-- published reports. None of these counts depends on the time.
CREATE TABLE fact_rollup_groups (
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    provider_id BLOB,
    encounters INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    offered_eligible INTEGER NOT NULL,
    accepted_eligible INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    referred INTEGER NOT NULL,
    engaged INTEGER NOT NULL
);
CREATE INDEX fact_rollup_groups_span ON fact_rollup_groups(program_id, span, dim);
-- A span's rollup, when it was built, and until when its counts that depend on the time
-- (30/60/90-day outcomes, retention, deadlines) stay as built (null: for good). A span with
-- fact rows and no entry here has a dirty day.
CREATE TABLE fact_rollup_spans (
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    built_at TEXT NOT NULL,
    valid_until TEXT,
    PRIMARY KEY (program_id, span)
);
-- Days whose fact rows changed since their rollup was built. Every write of a fact row
-- marks its day, in its own transaction, by these triggers: whoever writes (an action, a
-- rebuild, a bulk load), no change escapes the rollups. (Not INSERT OR IGNORE: the
-- conflict policy of the statement that fires a trigger replaces the trigger's own.)
CREATE TABLE fact_dirty_days (
    program_id BLOB NOT NULL REFERENCES programs(id),
    day TEXT NOT NULL,
    PRIMARY KEY (program_id, day)
);
CREATE TRIGGER fact_rows_insert_dirty AFTER INSERT ON fact_rows BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT NEW.program_id, NEW.day WHERE NOT EXISTS (SELECT 1 FROM fact_dirty_days WHERE program_id = NEW.program_id AND day = NEW.day);
END;
CREATE TRIGGER fact_rows_update_dirty AFTER UPDATE ON fact_rows BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT OLD.program_id, OLD.day WHERE NOT EXISTS (SELECT 1 FROM fact_dirty_days WHERE program_id = OLD.program_id AND day = OLD.day);
    INSERT INTO fact_dirty_days (program_id, day) SELECT NEW.program_id, NEW.day WHERE NOT EXISTS (SELECT 1 FROM fact_dirty_days WHERE program_id = NEW.program_id AND day = NEW.day);
END;
CREATE TRIGGER fact_rows_delete_dirty AFTER DELETE ON fact_rows BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT OLD.program_id, OLD.day WHERE NOT EXISTS (SELECT 1 FROM fact_dirty_days WHERE program_id = OLD.program_id AND day = OLD.day);
END;
INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows;
