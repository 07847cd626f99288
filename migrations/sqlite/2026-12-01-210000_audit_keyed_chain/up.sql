-- Where the audit log's keyed chain begins. Entries up to legacy_until were chained with plain
-- SHA-256 by versions without an audit key; later ones with HMAC-SHA256 under the key file kept
-- outside the database. One row (id 1), written when the key is first used with this database;
-- mac is an HMAC of the row under the key, so that the boundary cannot be moved without it.
CREATE TABLE audit_chain (
    id BIGINT PRIMARY KEY,
    legacy_until BIGINT NOT NULL,
    keyed_since TIMESTAMP NOT NULL,
    mac TEXT NOT NULL
);
