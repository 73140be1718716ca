-- Rollups, second amendment (issue 14, ADR 0011):
-- 1. A span's histograms as one value per dimension and key: the four durations' buckets
--    and counts, encoded by the storage crate (hist.rs), instead of a row per bucket. A
--    dashboard then reads one row per span.
-- 2. Referrals by kind of service, rolled up by the day of their encounter: the
--    dashboard's "referrals by kind of service" and "declined for want of capacity" read
--    every referral of the period until now. A change to a referral marks its
--    encounter's day dirty, by triggers, as a change to a fact row does.
-- Rollups are derived: the old ones are dropped and every day with fact rows is marked
-- dirty, so the worker builds them again.
DROP TABLE fact_rollup_hist;
CREATE TABLE fact_rollup_hists (
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    -- all, pathway, kind, agency, provider
    dim TEXT NOT NULL,
    -- '' for all; the pathway's or kind's code; the agency's or provider's id
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (program_id, span, dim, key)
);
-- Referrals by their service's types, status, coded reason ('' for none) and the local
-- month they were made in, with how many had an intake and their hours from the
-- encounter to intake (one-hour buckets, encoded as the histograms are).
CREATE TABLE fact_rollup_services (
    program_id BLOB NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    service_types TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    month TEXT NOT NULL,
    n INTEGER NOT NULL,
    served INTEGER NOT NULL,
    hours BLOB NOT NULL,
    PRIMARY KEY (program_id, span, service_types, status, reason, month)
);
DELETE FROM fact_rollups;
DELETE FROM fact_rollup_groups;
DELETE FROM fact_rollup_spans;
INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows WHERE true ON CONFLICT (program_id, day) DO NOTHING;
-- (Not INSERT OR IGNORE: see 0016.)
CREATE TRIGGER referrals_insert_dirty AFTER INSERT ON referrals BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT f.program_id, f.day FROM fact_rows f WHERE f.encounter_id = NEW.encounter_id AND NOT EXISTS (SELECT 1 FROM fact_dirty_days d WHERE d.program_id = f.program_id AND d.day = f.day);
END;
CREATE TRIGGER referrals_update_dirty AFTER UPDATE ON referrals BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT f.program_id, f.day FROM fact_rows f WHERE f.encounter_id = OLD.encounter_id AND NOT EXISTS (SELECT 1 FROM fact_dirty_days d WHERE d.program_id = f.program_id AND d.day = f.day);
    INSERT INTO fact_dirty_days (program_id, day) SELECT f.program_id, f.day FROM fact_rows f WHERE f.encounter_id = NEW.encounter_id AND NOT EXISTS (SELECT 1 FROM fact_dirty_days d WHERE d.program_id = f.program_id AND d.day = f.day);
END;
CREATE TRIGGER referrals_delete_dirty AFTER DELETE ON referrals BEGIN
    INSERT INTO fact_dirty_days (program_id, day) SELECT f.program_id, f.day FROM fact_rows f WHERE f.encounter_id = OLD.encounter_id AND NOT EXISTS (SELECT 1 FROM fact_dirty_days d WHERE d.program_id = f.program_id AND d.day = f.day);
END;
