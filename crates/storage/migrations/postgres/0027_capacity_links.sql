-- One-tap capacity links (issue 17, ADR 0019): the morning reminder of a service whose
-- capacity went stale carries a link that updates that one capacity, as the person it was
-- sent to, until it expires or a coordinator withdraws it. Only the token's hash is kept.
CREATE TABLE capacity_links (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    token_hash TEXT NOT NULL UNIQUE,
    capacity_id UUID NOT NULL REFERENCES service_capacity(id),
    user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users(id)
);
CREATE INDEX capacity_links_program ON capacity_links(program_id);
