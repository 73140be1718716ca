-- Identity fields are encrypted (docs/adr/0009): the birth date is stored as text
-- (ciphertext), like the names. Existing rows are encrypted at the next start.
ALTER TABLE participants ALTER COLUMN dob TYPE TEXT USING to_char(dob, 'YYYY-MM-DD');
