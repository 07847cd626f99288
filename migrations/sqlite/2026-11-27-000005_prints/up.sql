-- The print register: every printed copy of personal data has a serial, who printed it, who holds
-- it and whether it came back, so a role change can recall every copy.
CREATE TABLE prints (
    id INTEGER PRIMARY KEY,
    serial TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,              -- plan / plan_batch / safety_check_sheet
    registrant_ids TEXT NOT NULL,    -- JSON array
    district_id BIGINT REFERENCES districts (id),
    printed_by TEXT NOT NULL,
    holder TEXT NOT NULL,
    printed_at TIMESTAMP NOT NULL,
    returned_at TIMESTAMP,
    returned_by TEXT
);
CREATE INDEX prints_outstanding ON prints (returned_at, holder);
