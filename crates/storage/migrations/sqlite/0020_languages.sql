-- The person's preferred language (issue 16, ADR 0018): a BCP 47 code of a catalogue in
-- force (en, es, or one a program added), and whether they need an interpreter, apart.
-- Kept beside the identity (not encrypted: it names no one), changed when the person says.
CREATE TABLE participant_languages (
    participant_id BLOB PRIMARY KEY REFERENCES participants(id),
    language TEXT NOT NULL,
    needs_interpreter INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by BLOB NOT NULL REFERENCES users(id)
);

-- The language a consent was signed in: its words (form_text) are in it.
ALTER TABLE consents ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
