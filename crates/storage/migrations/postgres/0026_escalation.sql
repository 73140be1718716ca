-- A provider's escalation list (issue 17, ADR 0019 amended): people paged after those on
-- shift and before the program's coordinators, in order, kept by the provider's own staff.
-- One may be a contact without an account: a link-only user, who cannot sign in and acts
-- only through the one-tap links in their pages.
CREATE TABLE link_only_users (
    user_id UUID PRIMARY KEY REFERENCES users(id),
    organization_id UUID NOT NULL REFERENCES organizations(id),
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE escalation_list (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    user_id UUID NOT NULL REFERENCES users(id),
    position BIGINT NOT NULL,
    added_by UUID REFERENCES users(id),
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
