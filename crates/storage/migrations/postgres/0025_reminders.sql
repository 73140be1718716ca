-- Reminders (issue 17, ADR 0022): an intake scheduled with a date, time and place; where
-- the person agreed to be reminded (one channel they chose; sealed; a keyed index of the
-- number so that a STOP finds it); the program's quiet hours and how early to remind.
CREATE TABLE appointments (
    referral_id UUID PRIMARY KEY REFERENCES referrals(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    at TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    set_by UUID NOT NULL REFERENCES users(id),
    set_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE participant_contacts (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    participant_id UUID NOT NULL REFERENCES participants(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    address_index TEXT NOT NULL,
    shared BOOLEAN NOT NULL DEFAULT FALSE,
    consented_at TIMESTAMPTZ NOT NULL,
    consented_by UUID NOT NULL REFERENCES users(id),
    stopped_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX participant_contacts_person ON participant_contacts(participant_id);
CREATE INDEX participant_contacts_index ON participant_contacts(address_index);

ALTER TABLE programs ADD COLUMN quiet_start TEXT NOT NULL DEFAULT '21:00';
ALTER TABLE programs ADD COLUMN quiet_end TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE programs ADD COLUMN reminder_hours BIGINT NOT NULL DEFAULT 24;

-- The coordinator's paging measures read a program's recent warm handoffs.
CREATE INDEX referrals_program_requested ON referrals(program_id, requested_at);
-- How many business days before a held charge's intake deadline its provider is reminded.
ALTER TABLE programs ADD COLUMN intake_remind_days BIGINT NOT NULL DEFAULT 3;
