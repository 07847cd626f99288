ALTER TABLE hazard_zones DROP COLUMN source;
ALTER TABLE registrants DROP COLUMN district_needs_review;
ALTER TABLE registrants DROP COLUMN hazard_exposure;
