CREATE TABLE api_keys (
    access_key   TEXT PRIMARY KEY,
    secret_key   TEXT NOT NULL,
    uid          BIGINT NOT NULL,
    permissions  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    ip_whitelist TEXT NOT NULL,
    expires_at   BIGINT,
    enabled      BIGINT NOT NULL
);
CREATE INDEX api_keys_by_user ON api_keys (uid);
