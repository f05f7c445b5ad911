-- Decimals are NUMERIC: exact, and queryable as numbers by other tools.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    uid BIGINT PRIMARY KEY
);
CREATE TABLE contracts (
    contract_code    TEXT PRIMARY KEY,
    symbol           TEXT NOT NULL,
    contract_size    NUMERIC NOT NULL,
    price_tick       NUMERIC NOT NULL,
    reference_price  NUMERIC NOT NULL,
    contract_status  BIGINT NOT NULL,
    create_date      TEXT NOT NULL,
    max_order_volume BIGINT NOT NULL,
    max_open_orders  BIGINT NOT NULL,
    lever_rates      TEXT NOT NULL,
    maker_fee_rate   NUMERIC NOT NULL,
    taker_fee_rate   NUMERIC NOT NULL
);
CREATE TABLE accounts (
    uid           BIGINT NOT NULL,
    symbol        TEXT NOT NULL,
    margin_static NUMERIC NOT NULL,
    margin_frozen NUMERIC NOT NULL,
    profit_real   NUMERIC NOT NULL,
    fees_paid     NUMERIC NOT NULL,
    deposited     NUMERIC NOT NULL,
    PRIMARY KEY (uid, symbol)
);
CREATE TABLE holdings (
    uid              BIGINT NOT NULL,
    contract_code    TEXT NOT NULL,
    lever_rate       BIGINT,
    long_volume      BIGINT NOT NULL,
    long_frozen      BIGINT NOT NULL,
    long_cost_value  NUMERIC NOT NULL,
    short_volume     BIGINT NOT NULL,
    short_frozen     BIGINT NOT NULL,
    short_cost_value NUMERIC NOT NULL,
    PRIMARY KEY (uid, contract_code)
);
CREATE TABLE orders (
    order_id           BIGINT PRIMARY KEY,
    uid                BIGINT NOT NULL,
    contract_code      TEXT NOT NULL,
    symbol             TEXT NOT NULL,
    direction          TEXT NOT NULL,
    "offset"           TEXT NOT NULL,
    volume             BIGINT NOT NULL,
    price              NUMERIC NOT NULL,
    price_ticks        BIGINT NOT NULL,
    order_price_type   TEXT NOT NULL,
    lever_rate         BIGINT NOT NULL,
    client_order_id    BIGINT,
    self_match_prevent BIGINT NOT NULL,
    margin_frozen      NUMERIC NOT NULL,
    created_at         BIGINT NOT NULL,
    update_time        BIGINT NOT NULL,
    order_source       TEXT NOT NULL,
    status             BIGINT NOT NULL,
    trade_volume       BIGINT NOT NULL,
    trade_turnover     NUMERIC NOT NULL,
    trade_value        NUMERIC NOT NULL,
    fee                NUMERIC NOT NULL,
    profit             NUMERIC NOT NULL,
    canceled_at        BIGINT NOT NULL
);
-- Restart reads open orders only; a partial index keeps that read proportional to them.
CREATE INDEX orders_open ON orders (order_id) WHERE status IN (3, 4, 11);
CREATE INDEX orders_finished ON orders (update_time) WHERE status IN (5, 6, 7);
CREATE INDEX orders_by_user ON orders (uid, contract_code, created_at);
CREATE INDEX orders_by_client_id ON orders (uid, client_order_id, created_at)
    WHERE client_order_id IS NOT NULL;
CREATE TABLE trades (
    id            TEXT PRIMARY KEY,
    trade_id      BIGINT NOT NULL,
    order_id      BIGINT NOT NULL,
    uid           BIGINT NOT NULL,
    contract_code TEXT NOT NULL,
    direction     TEXT NOT NULL,
    "offset"      TEXT NOT NULL,
    price         NUMERIC NOT NULL,
    volume        BIGINT NOT NULL,
    turnover      NUMERIC NOT NULL,
    value         NUMERIC NOT NULL,
    fee           NUMERIC NOT NULL,
    fee_asset     TEXT NOT NULL,
    role          TEXT NOT NULL,
    profit        NUMERIC NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX trades_by_order ON trades (order_id);
CREATE INDEX trades_by_user ON trades (uid, contract_code, created_at);
CREATE TABLE cancel_after (
    uid          BIGINT PRIMARY KEY,
    trigger_time BIGINT NOT NULL
);
-- The exchange's own counters and per-coin/per-contract figures, as key/value text.
CREATE TABLE exchange (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
