-- The person's preferred language (issue 16, ADR 0018): a BCP 47 code of a catalogue in
-- force (en, es, or one a program added), and whether they need an interpreter, apart.
-- Kept beside the identity (not encrypted: it names no one), changed when the person says.
CREATE TABLE participant_languages (
    participant_id UUID PRIMARY KEY REFERENCES participants(id),
    language TEXT NOT NULL,
    needs_interpreter BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL REFERENCES users(id)
);

-- The language a consent was signed in: its words (form_text) are in it.
ALTER TABLE consents ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
