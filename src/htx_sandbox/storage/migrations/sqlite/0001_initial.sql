-- Decimals are TEXT: SQLite has no exact decimal type, and the text round-trips exactly.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    uid INTEGER PRIMARY KEY
);
CREATE TABLE contracts (
    contract_code    TEXT PRIMARY KEY,
    symbol           TEXT NOT NULL,
    contract_size    TEXT NOT NULL,
    price_tick       TEXT NOT NULL,
    reference_price  TEXT NOT NULL,
    contract_status  INTEGER NOT NULL,
    create_date      TEXT NOT NULL,
    max_order_volume INTEGER NOT NULL,
    max_open_orders  INTEGER NOT NULL,
    lever_rates      TEXT NOT NULL,
    maker_fee_rate   TEXT NOT NULL,
    taker_fee_rate   TEXT NOT NULL
);
CREATE TABLE accounts (
    uid           INTEGER NOT NULL,
    symbol        TEXT NOT NULL,
    margin_static TEXT NOT NULL,
    margin_frozen TEXT NOT NULL,
    profit_real   TEXT NOT NULL,
    fees_paid     TEXT NOT NULL,
    deposited     TEXT NOT NULL,
    PRIMARY KEY (uid, symbol)
);
CREATE TABLE holdings (
    uid              INTEGER NOT NULL,
    contract_code    TEXT NOT NULL,
    lever_rate       INTEGER,
    long_volume      INTEGER NOT NULL,
    long_frozen      INTEGER NOT NULL,
    long_cost_value  TEXT NOT NULL,
    short_volume     INTEGER NOT NULL,
    short_frozen     INTEGER NOT NULL,
    short_cost_value TEXT NOT NULL,
    PRIMARY KEY (uid, contract_code)
);
CREATE TABLE orders (
    order_id           INTEGER PRIMARY KEY,
    uid                INTEGER NOT NULL,
    contract_code      TEXT NOT NULL,
    symbol             TEXT NOT NULL,
    direction          TEXT NOT NULL,
    "offset"           TEXT NOT NULL,
    volume             INTEGER NOT NULL,
    price              TEXT NOT NULL,
    price_ticks        INTEGER NOT NULL,
    order_price_type   TEXT NOT NULL,
    lever_rate         INTEGER NOT NULL,
    client_order_id    INTEGER,
    self_match_prevent INTEGER NOT NULL,
    margin_frozen      TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    update_time        INTEGER NOT NULL,
    order_source       TEXT NOT NULL,
    status             INTEGER NOT NULL,
    trade_volume       INTEGER NOT NULL,
    trade_turnover     TEXT NOT NULL,
    trade_value        TEXT NOT NULL,
    fee                TEXT NOT NULL,
    profit             TEXT NOT NULL,
    canceled_at        INTEGER NOT NULL
);
-- Restart reads open orders only; a partial index keeps that read proportional to them.
CREATE INDEX orders_open ON orders (order_id) WHERE status IN (3, 4, 11);
CREATE INDEX orders_finished ON orders (update_time) WHERE status IN (5, 6, 7);
CREATE INDEX orders_by_user ON orders (uid, contract_code, created_at);
CREATE INDEX orders_by_client_id ON orders (uid, client_order_id, created_at)
    WHERE client_order_id IS NOT NULL;
CREATE TABLE trades (
    id            TEXT PRIMARY KEY,
    trade_id      INTEGER NOT NULL,
    order_id      INTEGER NOT NULL,
    uid           INTEGER NOT NULL,
    contract_code TEXT NOT NULL,
    direction     TEXT NOT NULL,
    "offset"      TEXT NOT NULL,
    price         TEXT NOT NULL,
    volume        INTEGER NOT NULL,
    turnover      TEXT NOT NULL,
    value         TEXT NOT NULL,
    fee           TEXT NOT NULL,
    fee_asset     TEXT NOT NULL,
    role          TEXT NOT NULL,
    profit        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX trades_by_order ON trades (order_id);
CREATE INDEX trades_by_user ON trades (uid, contract_code, created_at);
CREATE TABLE cancel_after (
    uid          INTEGER PRIMARY KEY,
    trigger_time INTEGER NOT NULL
);
-- The exchange's own counters and per-coin/per-contract figures, as key/value text.
CREATE TABLE exchange (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
