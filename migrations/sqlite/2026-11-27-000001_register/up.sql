-- The register: districts, hazard zones, registrants, consents, supporters, shelters and the
-- change log that keeps every version of a person's record. Same meaning as the PostgreSQL tree.
CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    boundary TEXT NOT NULL,           -- GeoJSON MultiPolygon, WGS84 lon/lat
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE hazard_zones (
    id INTEGER PRIMARY KEY,
    hazard_type TEXT NOT NULL,
    level INTEGER NOT NULL,
    phenomenon TEXT,
    name TEXT NOT NULL,
    area TEXT NOT NULL,               -- GeoJSON MultiPolygon
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX hazard_zones_type ON hazard_zones (hazard_type);

CREATE TABLE registrants (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_date DATE,
    external_id TEXT UNIQUE,
    district_id BIGINT REFERENCES districts (id),
    name TEXT NOT NULL,
    name_kana TEXT,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT,
    support_reasons TEXT NOT NULL,    -- JSON array of codes
    reason_note TEXT,
    latitude DOUBLE,
    longitude DOUBLE,
    household TEXT,
    care_level INTEGER,
    mobility TEXT,
    electricity_dependent BOOLEAN NOT NULL,
    profile TEXT NOT NULL,            -- JSON object: the practical fields of the forms
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX registrants_district_status ON registrants (district_id, status, id);
CREATE INDEX registrants_status ON registrants (status, id);

CREATE TABLE registrant_consents (
    id INTEGER PRIMARY KEY,
    registrant_id BIGINT NOT NULL REFERENCES registrants (id),
    kind TEXT NOT NULL,
    given BOOLEAN NOT NULL,
    consent_date DATE NOT NULL,
    evidence_note TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX registrant_consents_registrant ON registrant_consents (registrant_id, kind, id);

CREATE TABLE supporters (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    district_id BIGINT REFERENCES districts (id),
    name TEXT NOT NULL,
    name_kana TEXT,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    capabilities TEXT NOT NULL,       -- JSON array of codes
    consent_given BOOLEAN NOT NULL,
    consent_date DATE,
    consent_note TEXT,
    external_id TEXT UNIQUE,
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX supporters_district ON supporters (district_id, id);

CREATE TABLE shelters (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    district_id BIGINT REFERENCES districts (id),
    gsi_id TEXT UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    kind TEXT NOT NULL,
    hazards TEXT NOT NULL,            -- JSON array of hazard codes
    capacity INTEGER,
    welfare_targets TEXT NOT NULL,    -- JSON array
    accessibility TEXT NOT NULL,      -- JSON array
    is_open BOOLEAN NOT NULL,
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shelters_district ON shelters (district_id, id);

-- Every version of every record, for reading back who changed what and when.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,             -- registrant / supporter / shelter
    entity_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,             -- created / updated / status_changed / consent_recorded
    changed_fields TEXT NOT NULL,     -- JSON array of field names
    snapshot TEXT NOT NULL,           -- JSON of the record after the change
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX change_log_entity ON change_log (entity, entity_id, id);
