-- Screening instruments recorded by a provider on a referral (issue 4): the instrument
-- and version, the cut-off profile, the raw answers (encrypted: Part 2), the score, band,
-- whether positive, and the alerts raised. The result never changes once recorded.
CREATE TABLE screenings (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    referral_id UUID NOT NULL REFERENCES referrals(id),
    instrument TEXT NOT NULL,
    version TEXT NOT NULL,
    profile TEXT NOT NULL,
    answers TEXT NOT NULL,
    score BIGINT,
    max_score BIGINT NOT NULL,
    prorated BOOLEAN NOT NULL,
    band TEXT NOT NULL,
    positive BOOLEAN,
    alerts TEXT NOT NULL,
    recorded_by UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX screenings_referral ON screenings(referral_id, recorded_at);
