-- Identity fields are encrypted (docs/adr/0009). SQLite already stores the birth date as
-- text; existing rows are encrypted at the next start. Nothing to change in the schema.
SELECT 1;
