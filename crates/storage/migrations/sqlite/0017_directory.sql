-- The care network's directory (issue 15, ADR 0017): services and locations kept as HSDS
-- documents with the columns a query filters on; organizations gain their HSDS document;
-- live capacity beside the documents; program taxonomy terms. `directory_version` moves
-- with every change, so each server's cache sees it on its next read.
ALTER TABLE organizations ADD COLUMN hsds TEXT;
ALTER TABLE programs ADD COLUMN directory_version INTEGER NOT NULL DEFAULT 0;
-- Capacity older than this is shown as stale (a service may set its own window); a
-- referral holds a unit this long.
ALTER TABLE programs ADD COLUMN capacity_fresh_minutes INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE programs ADD COLUMN capacity_hold_minutes INTEGER NOT NULL DEFAULT 120;
ALTER TABLE programs ADD COLUMN directory_public INTEGER NOT NULL DEFAULT 0;

CREATE TABLE directory_services (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    org_id BLOB NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    type_codes TEXT NOT NULL,
    fresh_minutes INTEGER,
    modified_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX directory_services_program ON directory_services(program_id, name, id);

CREATE TABLE directory_locations (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    org_id BLOB REFERENCES organizations(id),
    doc TEXT NOT NULL
);
CREATE INDEX directory_locations_program ON directory_locations(program_id);

CREATE TABLE directory_terms (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    kind TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX directory_terms_program ON directory_terms(program_id);

CREATE TABLE service_capacity (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    service_id BLOB NOT NULL REFERENCES directory_services(id),
    unit TEXT NOT NULL,
    available INTEGER NOT NULL,
    maximum INTEGER,
    description TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX service_capacity_service ON service_capacity(service_id);
CREATE INDEX service_capacity_program ON service_capacity(program_id);
