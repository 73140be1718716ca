-- One-tap links (issue 17, ADR 0019): a link in a page lets the person paged record the
-- next steps of one referral without signing in, each step once, until it expires or a
-- coordinator withdraws it. Only the token's hash is kept.
CREATE TABLE links (
    id UUID PRIMARY KEY,
    program_id UUID NOT NULL REFERENCES programs(id),
    token_hash TEXT NOT NULL UNIQUE,
    referral_id UUID NOT NULL REFERENCES referrals(id),
    user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users(id),
    -- The steps recorded with it, space-separated (each works once).
    used TEXT NOT NULL DEFAULT ''
);
CREATE INDEX links_referral ON links(referral_id);
