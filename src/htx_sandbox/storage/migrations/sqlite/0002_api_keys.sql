CREATE TABLE api_keys (
    access_key   TEXT PRIMARY KEY,
    secret_key   TEXT NOT NULL,
    uid          INTEGER NOT NULL,
    permissions  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    ip_whitelist TEXT NOT NULL,
    expires_at   INTEGER,
    enabled      INTEGER NOT NULL
);
CREATE INDEX api_keys_by_user ON api_keys (uid);
