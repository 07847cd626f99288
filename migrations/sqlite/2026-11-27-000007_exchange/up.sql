-- A registrant found to be a duplicate of another is kept (history is evidence) with status
-- `merged` and points to the record that stays. Same meaning as the PostgreSQL tree.
ALTER TABLE registrants ADD COLUMN merged_into BIGINT;
CREATE INDEX registrants_merged_into ON registrants (merged_into);
