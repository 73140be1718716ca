-- Screening instruments recorded by a provider on a referral (issue 4): the instrument
-- and version, the cut-off profile, the raw answers (encrypted: Part 2), the score, band,
-- whether positive, and the alerts raised. The result never changes once recorded.
CREATE TABLE screenings (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    encounter_id BLOB NOT NULL REFERENCES encounters(id),
    referral_id BLOB NOT NULL REFERENCES referrals(id),
    instrument TEXT NOT NULL,
    version TEXT NOT NULL,
    profile TEXT NOT NULL,
    answers TEXT NOT NULL,
    score INTEGER,
    max_score INTEGER NOT NULL,
    prorated INTEGER NOT NULL,
    band TEXT NOT NULL,
    positive INTEGER,
    alerts TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX screenings_referral ON screenings(referral_id, recorded_at);
