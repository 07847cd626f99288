-- Matching runs and their proposals. A confirmed proposal is the link staff agreed to: later runs
-- keep it fixed; a rejected one is never proposed again.
CREATE TABLE matching_runs (
    id INTEGER PRIMARY KEY,
    district_id BIGINT REFERENCES districts (id),   -- NULL: the whole city
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    summary TEXT NOT NULL                            -- JSON: counts by outcome and reason
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES matching_runs (id),
    registrant_id BIGINT NOT NULL REFERENCES registrants (id),
    kind TEXT NOT NULL,                              -- supporter / shelter / unmatched
    supporter_id BIGINT REFERENCES supporters (id),
    shelter_id BIGINT REFERENCES shelters (id),
    hazard_type TEXT,                                -- for shelters
    distance_m DOUBLE,
    reason TEXT,                                     -- for unmatched places
    missing INTEGER,                                 -- for unmatched: places still open
    status TEXT NOT NULL,                            -- proposed / confirmed / rejected / superseded
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE INDEX proposals_run ON proposals (run_id, id);
CREATE INDEX proposals_registrant_status ON proposals (registrant_id, status);
CREATE INDEX proposals_status_kind ON proposals (status, kind);
