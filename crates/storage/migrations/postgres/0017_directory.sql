-- The care network's directory (issue 15, ADR 0017): services and locations kept as HSDS
-- documents with the columns a query filters on; organizations gain their HSDS document;
-- live capacity beside the documents; program taxonomy terms. `directory_version` moves
-- with every change, so each server's cache sees it on its next read.
ALTER TABLE organizations ADD COLUMN hsds TEXT;
ALTER TABLE programs ADD COLUMN directory_version BIGINT NOT NULL DEFAULT 0;
-- Capacity older than this is shown as stale (a service may set its own window); a
-- referral holds a unit this long.
ALTER TABLE programs ADD COLUMN capacity_fresh_minutes BIGINT NOT NULL DEFAULT 1440;
ALTER TABLE programs ADD COLUMN capacity_hold_minutes BIGINT NOT NULL DEFAULT 120;
ALTER TABLE programs ADD COLUMN directory_public BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE directory_services (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    org_id UUID NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    type_codes TEXT NOT NULL,
    fresh_minutes BIGINT,
    modified_at TIMESTAMPTZ NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX directory_services_program ON directory_services(program_id, name, id);

CREATE TABLE directory_locations (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    org_id UUID REFERENCES organizations(id),
    doc TEXT NOT NULL
);
CREATE INDEX directory_locations_program ON directory_locations(program_id);

CREATE TABLE directory_terms (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    kind TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX directory_terms_program ON directory_terms(program_id);

CREATE TABLE service_capacity (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    service_id UUID NOT NULL REFERENCES directory_services(id),
    unit TEXT NOT NULL,
    available BIGINT NOT NULL,
    maximum BIGINT,
    description TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_capacity_service ON service_capacity(service_id);
CREATE INDEX service_capacity_program ON service_capacity(program_id);
