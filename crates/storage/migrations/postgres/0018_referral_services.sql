-- Referrals to services (issue 15, ADR 0017): an encounter's referrals may go to several
-- services of the directory. Each keeps the service and its types as they were when it
-- was made, and whether it is a referral a held charge's intake counts on (the program's
-- hold kinds, treatment by default; referrals made before are). A referral to a service
-- with capacity holds one unit for the program's window.
ALTER TABLE referrals ADD COLUMN service_id UUID REFERENCES directory_services(id);
ALTER TABLE referrals ADD COLUMN service_types TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN counts_for_hold BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX referrals_service ON referrals(service_id);
-- Why a referral was rejected, failed, cancelled or put on hold, coded (no_capacity, ...).
ALTER TABLE referrals ADD COLUMN status_reason_code TEXT;

-- Service type codes whose intake satisfies a held charge; the officer's ranking of
-- suggestions; what is shown when no service fits.
ALTER TABLE programs ADD COLUMN hold_service_types TEXT NOT NULL DEFAULT 'sud co-occurring mh';
ALTER TABLE programs ADD COLUMN choice_rule TEXT NOT NULL DEFAULT 'open_now capacity walk_in distance language';
ALTER TABLE programs ADD COLUMN fallback TEXT NOT NULL DEFAULT '988 Suicide & Crisis Lifeline: call or text 988, 24 hours a day';

CREATE TABLE capacity_holds (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    capacity_id UUID NOT NULL REFERENCES service_capacity(id),
    referral_id UUID NOT NULL REFERENCES referrals(id),
    held_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    -- held, taken (the person arrived: the unit is used), released (rejected, cancelled).
    state TEXT NOT NULL,
    ended_at TIMESTAMPTZ
);
CREATE INDEX capacity_holds_live ON capacity_holds(capacity_id, state, expires_at);
CREATE INDEX capacity_holds_referral ON capacity_holds(referral_id);

-- The needs screen recorded with an encounter's referrals: the presenting problems and
-- the domains the AHC core questions found (codes only; the answers are not kept).
CREATE TABLE needs_screens (
    encounter_id UUID PRIMARY KEY REFERENCES encounters(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    problems TEXT NOT NULL,
    positive TEXT NOT NULL,
    safety_score BIGINT,
    recorded_by UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
