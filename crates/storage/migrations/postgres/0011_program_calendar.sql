-- The program's working calendar (issue 4): business days (Monday first, 1 = open),
-- opening hours, the business hours allowed for first contact, and its holidays.
ALTER TABLE programs ADD COLUMN business_days TEXT NOT NULL DEFAULT '1111100';
ALTER TABLE programs ADD COLUMN opens TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE programs ADD COLUMN closes TEXT NOT NULL DEFAULT '17:00';
ALTER TABLE programs ADD COLUMN contact_business_hours BIGINT NOT NULL DEFAULT 72;
CREATE TABLE program_holidays (
    program_id UUID NOT NULL REFERENCES programs(id),
    day DATE NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (program_id, day)
);
