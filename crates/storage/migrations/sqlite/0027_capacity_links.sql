-- One-tap capacity links (issue 17, ADR 0019): the morning reminder of a service whose
-- capacity went stale carries a link that updates that one capacity, as the person it was
-- sent to, until it expires or a coordinator withdraws it. Only the token's hash is kept.
CREATE TABLE capacity_links (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    token_hash TEXT NOT NULL UNIQUE,
    capacity_id BLOB NOT NULL REFERENCES service_capacity(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by BLOB REFERENCES users(id)
);
CREATE INDEX capacity_links_program ON capacity_links(program_id);
