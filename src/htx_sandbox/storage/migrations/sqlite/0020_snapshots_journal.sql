-- Named snapshots of the whole state (POST /sandbox-api/v1/snapshots): one row each here, and
-- a copy of every data table as it stood, in tables named snapshot_<id>__<table>. A snapshot
-- is restored only into the schema version it was taken in.
CREATE TABLE snapshots (
    name           TEXT PRIMARY KEY,
    id             INTEGER NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    exchange_time  INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    tables         TEXT NOT NULL,
    extra          TEXT NOT NULL
);
-- Every command the engine accepted, in the order applied, with the exchange time it was
-- applied at (htx-sandbox replay): kind is the command's type, body its JSON.
CREATE TABLE journal (
    seq  INTEGER PRIMARY KEY,
    ts   INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
