-- Access: users with roles, bearer sessions stored as hashes, declared incidents that widen what
-- district teams see, and the append-only audit log whose rows are chained by hash.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,               -- admin / staff / district / volunteer_centre / auditor
    district_ids TEXT NOT NULL,       -- JSON array; the districts of a `district` user
    password_hash TEXT NOT NULL,      -- argon2id PHC string
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,      -- SHA-256 of the bearer token, hex; the token is never stored
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hazard_type TEXT NOT NULL,
    district_ids TEXT NOT NULL,       -- JSON array
    area TEXT,                        -- GeoJSON geometry, WGS84
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    closed_at TIMESTAMP,
    declared_by TEXT NOT NULL,
    closed_by TEXT
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,             -- login / login_failed / logout / read / list / export / print / change
    target TEXT NOT NULL,
    registrant_ids TEXT NOT NULL,     -- JSON array of the people shown or changed
    incident_grants TEXT NOT NULL,    -- JSON array of [registrant id, incident id] seen only by the incident rule
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
