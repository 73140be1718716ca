-- The reporting rows are "fact rows" (ADR 0014): "case facts" names what the access policy
-- decides on.
ALTER TABLE case_facts RENAME TO fact_rows;
