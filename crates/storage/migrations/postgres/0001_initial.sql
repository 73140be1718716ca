-- Handoff initial schema (PostgreSQL). The SQLite migration mirrors it column for column;
-- a test checks both end with the same tables and columns.

CREATE TABLE programs (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL,
    pathways TEXT NOT NULL,
    intake_deadline_days BIGINT NOT NULL,
    supervisor_approves_overrides BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE eligibility_rules (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    version BIGINT NOT NULL,
    rules_json TEXT NOT NULL,
    effective_at TIMESTAMPTZ NOT NULL,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (program_id, version)
);

CREATE TABLE organizations (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    hours TEXT NOT NULL,
    what_to_bring TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (program_id, name)
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_sign_in_at TIMESTAMPTZ
);

CREATE TABLE memberships (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    organization_id UUID NOT NULL REFERENCES organizations(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    role TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, organization_id, program_id, role)
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE on_call_shifts (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    user_id UUID NOT NULL REFERENCES users(id),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX on_call_org_time ON on_call_shifts(organization_id, starts_at);

CREATE TABLE reference_codes (
    version TEXT NOT NULL,
    code_table TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    code_group TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (version, code_table, code)
);

CREATE TABLE reference_versions (
    version TEXT PRIMARY KEY,
    source_sha256 TEXT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE participants (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    dob DATE NOT NULL,
    sex TEXT NOT NULL,
    race TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    match_key TEXT NOT NULL,
    search_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL REFERENCES users(id)
);
CREATE INDEX participants_match ON participants(program_id, match_key);
CREATE INDEX participants_search ON participants(program_id, search_name);

CREATE TABLE encounters (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    reference TEXT NOT NULL UNIQUE,
    pathway TEXT NOT NULL,
    agency_id UUID NOT NULL REFERENCES organizations(id),
    officer_id UUID NOT NULL REFERENCES users(id),
    participant_id UUID NOT NULL REFERENCES participants(id),
    occurred_at TIMESTAMPTZ NOT NULL,
    location TEXT NOT NULL,
    incident_number TEXT NOT NULL,
    -- Demographics at the time of the encounter, kept for equity reporting.
    age_at_encounter BIGINT NOT NULL,
    sex TEXT NOT NULL,
    race TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX encounters_program_time ON encounters(program_id, occurred_at);
CREATE INDEX encounters_officer ON encounters(officer_id, occurred_at);
CREATE INDEX encounters_participant ON encounters(participant_id);

CREATE TABLE offenses (
    id UUID PRIMARY KEY,
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    code_version TEXT NOT NULL,
    drug_activity TEXT,
    drug_type TEXT,
    quantity DOUBLE PRECISION,
    unit TEXT,
    UNIQUE (encounter_id, position)
);

CREATE TABLE eligibility_decisions (
    id UUID PRIMARY KEY,
    encounter_id UUID NOT NULL UNIQUE REFERENCES encounters(id),
    rules_version BIGINT NOT NULL,
    rules_json TEXT NOT NULL,
    attestations TEXT NOT NULL,
    criteria_json TEXT NOT NULL,
    eligible BOOLEAN NOT NULL,
    decided_by UUID NOT NULL REFERENCES users(id),
    decided_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE eligibility_overrides (
    id UUID PRIMARY KEY,
    decision_id UUID NOT NULL UNIQUE REFERENCES eligibility_decisions(id),
    reason TEXT NOT NULL,
    requested_by UUID NOT NULL REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    reviewed_by UUID REFERENCES users(id),
    reviewed_at TIMESTAMPTZ,
    review_note TEXT
);

CREATE TABLE offers (
    encounter_id UUID PRIMARY KEY REFERENCES encounters(id),
    accepted BOOLEAN NOT NULL,
    decline_reason TEXT,
    offered_by UUID NOT NULL REFERENCES users(id),
    offered_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE consents (
    id UUID PRIMARY KEY,
    participant_id UUID NOT NULL REFERENCES participants(id),
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    kind TEXT NOT NULL,
    discloser_org_ids TEXT NOT NULL,
    recipient_org_ids TEXT NOT NULL,
    purpose TEXT NOT NULL,
    signed_name TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    recorded_by UUID NOT NULL REFERENCES users(id)
);
CREATE INDEX consents_encounter ON consents(encounter_id);

CREATE TABLE referrals (
    id UUID PRIMARY KEY,
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    participant_id UUID NOT NULL REFERENCES participants(id),
    from_org_id UUID NOT NULL REFERENCES organizations(id),
    to_org_id UUID NOT NULL REFERENCES organizations(id),
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    business_status TEXT NOT NULL,
    status_reason TEXT,
    assigned_to UUID REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    contact_deadline DATE,
    arrived_at TIMESTAMPTZ,
    first_contact_at TIMESTAMPTZ,
    intake_at TIMESTAMPTZ,
    engaged_at TIMESTAMPTZ,
    exit_kind TEXT,
    exit_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referrals_to_org ON referrals(to_org_id, status);
CREATE INDEX referrals_encounter ON referrals(encounter_id);

CREATE TABLE service_events (
    id UUID PRIMARY KEY,
    referral_id UUID NOT NULL REFERENCES referrals(id),
    kind TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    status_after TEXT NOT NULL,
    reason TEXT,
    -- Clinical content (Part 2): only ever shown to the provider.
    note TEXT,
    detail_json TEXT NOT NULL,
    recorded_by UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_events_referral ON service_events(referral_id, recorded_at);

CREATE TABLE legal_holds (
    id UUID PRIMARY KEY,
    encounter_id UUID NOT NULL UNIQUE REFERENCES encounters(id),
    program_id UUID NOT NULL REFERENCES programs(id),
    prosecutor_org_id UUID NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL,
    citation_number TEXT,
    court_date DATE,
    deadline_day DATE NOT NULL,
    deadline_ends_at TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL,
    correction TEXT,
    decision TEXT,
    decision_reason TEXT,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_holds_queue ON legal_holds(prosecutor_org_id, state, deadline_ends_at);

CREATE TABLE case_events (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    encounter_id UUID NOT NULL REFERENCES encounters(id),
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    actor_id UUID REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_events_encounter ON case_events(encounter_id, at);

CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id UUID,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_resource ON audit_log(resource_kind, resource_id);

CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status BIGINT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
