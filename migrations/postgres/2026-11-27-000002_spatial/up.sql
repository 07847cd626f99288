-- Facts derived from the home's location, recomputed on every create, move and geodata import.
ALTER TABLE registrants ADD COLUMN hazard_exposure TEXT NOT NULL DEFAULT '{}';  -- JSON {hazard: level}
ALTER TABLE registrants ADD COLUMN district_needs_review BOOLEAN NOT NULL DEFAULT FALSE;
-- Where a hazard zone came from, so that re-importing a source replaces its zones.
ALTER TABLE hazard_zones ADD COLUMN source TEXT NOT NULL DEFAULT '';
