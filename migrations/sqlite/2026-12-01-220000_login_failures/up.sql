-- Failed logins, kept in the database so that throttling survives a restart and holds across
-- several servers. A row is one wrong name or password; refused (throttled) attempts are not
-- rows. Rows older than the retention setting (a day) are purged at each login.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    username TEXT NOT NULL,           -- the name tried, cut to 64 characters
    client TEXT                       -- the client's address (IPv6 cut to its /64); NULL without one
);
CREATE INDEX login_failures_username ON login_failures (username, client, at);
CREATE INDEX login_failures_client ON login_failures (client, at);
CREATE INDEX login_failures_at ON login_failures (at);
