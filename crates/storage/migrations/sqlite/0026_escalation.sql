-- A provider's escalation list (issue 17, ADR 0019 amended): people paged after those on
-- shift and before the program's coordinators, in order, kept by the provider's own staff.
-- One may be a contact without an account: a link-only user, who cannot sign in and acts
-- only through the one-tap links in their pages.
CREATE TABLE link_only_users (
    user_id BLOB PRIMARY KEY REFERENCES users(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE escalation_list (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    position INTEGER NOT NULL,
    added_by BLOB REFERENCES users(id),
    added_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
