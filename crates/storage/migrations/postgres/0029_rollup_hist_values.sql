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
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    -- all, pathway, kind, agency, provider
    dim TEXT NOT NULL,
    -- '' for all; the pathway's or kind's code; the agency's or provider's id
    key TEXT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (program_id, span, dim, key)
);
-- Referrals by their service's types, status, coded reason ('' for none) and the local
-- month they were made in, with how many had an intake and their hours from the
-- encounter to intake (one-hour buckets, encoded as the histograms are).
CREATE TABLE fact_rollup_services (
    program_id UUID NOT NULL REFERENCES programs(id),
    span TEXT NOT NULL,
    service_types TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    month TEXT NOT NULL,
    n BIGINT NOT NULL,
    served BIGINT NOT NULL,
    hours BYTEA NOT NULL,
    PRIMARY KEY (program_id, span, service_types, status, reason, month)
);
DELETE FROM fact_rollups;
DELETE FROM fact_rollup_groups;
DELETE FROM fact_rollup_spans;
INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows WHERE true ON CONFLICT (program_id, day) DO NOTHING;
CREATE FUNCTION referrals_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO fact_dirty_days (program_id, day)
            SELECT program_id, day FROM fact_rows WHERE encounter_id = OLD.encounter_id
            ON CONFLICT (program_id, day) DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO fact_dirty_days (program_id, day)
            SELECT program_id, day FROM fact_rows WHERE encounter_id = NEW.encounter_id
            ON CONFLICT (program_id, day) DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_dirty AFTER INSERT OR UPDATE OR DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_dirty();
