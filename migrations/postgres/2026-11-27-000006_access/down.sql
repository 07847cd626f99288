DROP TABLE audit_log;
DROP TABLE incidents;
DROP TABLE sessions;
DROP TABLE users;
