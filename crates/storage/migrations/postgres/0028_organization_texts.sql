-- What the slip says of an organization, in the person's language (issue 16, ADR 0018):
-- its hours and what to bring, per language a program has in force. The organization's
-- own columns stay the text in the program's language; a language without a row here (or
-- with an empty text) prints that one, marked as in another language.
CREATE TABLE organization_texts (
    org_id UUID NOT NULL REFERENCES organizations(id),
    language TEXT NOT NULL,
    hours TEXT NOT NULL,
    what_to_bring TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID REFERENCES users(id),
    PRIMARY KEY (org_id, language)
);
