DROP INDEX registrants_merged_into;
ALTER TABLE registrants DROP COLUMN merged_into;
