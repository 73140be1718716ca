-- A span's histograms as one value per dimension and key (issue 14, ADR 0011 amendment):
-- the four durations' buckets and counts, encoded by the storage crate (hist.rs), instead
-- of a row per bucket. A dashboard then reads one row per span. Rollups are derived: the
-- old ones are dropped and every day with fact rows is marked dirty, so the worker builds
-- them again.
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
DELETE FROM fact_rollups;
DELETE FROM fact_rollup_groups;
DELETE FROM fact_rollup_spans;
INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows WHERE true ON CONFLICT (program_id, day) DO NOTHING;
