-- SMS and webhooks (issue 17, ADR 0020). A gateway's delivery report sets `delivered_at`
-- (or fails the message); `provider_id` is the gateway's own id for it.
ALTER TABLE messages ADD COLUMN delivered_at TEXT;
ALTER TABLE messages ADD COLUMN provider_id TEXT;

-- Where a partner organization's own system is told of its referrals (Standard Webhooks).
-- The signing secret is sealed at rest, like other secrets Handoff keeps.
CREATE TABLE webhook_endpoints (
    id BLOB PRIMARY KEY,
    program_id BLOB NOT NULL REFERENCES programs(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by BLOB REFERENCES users(id),
    disabled_at TEXT
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints(organization_id);
CREATE INDEX messages_recipient ON messages(recipient_id, created_at);
