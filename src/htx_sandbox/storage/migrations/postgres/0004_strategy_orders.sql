-- Trigger, TP/SL and trailing orders in one table: HTX gives the three kinds the same core
-- fields and status codes, and they share the order id space. Nullable columns are the ones a
-- kind or a stage leaves unset (HTX's null, or "-1" for relation_order_id).
CREATE TABLE strategy_orders (
    order_id               BIGINT PRIMARY KEY,
    kind                   TEXT NOT NULL,
    uid                    BIGINT NOT NULL,
    contract_code          TEXT NOT NULL,
    symbol                 TEXT NOT NULL,
    direction              TEXT NOT NULL,
    "offset"               TEXT NOT NULL,
    volume                 BIGINT NOT NULL,
    lever_rate             BIGINT,
    order_price_type       TEXT NOT NULL,
    trigger_type           TEXT NOT NULL,
    trigger_price          NUMERIC NOT NULL,
    trigger_ticks          BIGINT NOT NULL,
    order_price            NUMERIC,
    created_at             BIGINT NOT NULL,
    status                 BIGINT NOT NULL,
    update_time            BIGINT NOT NULL,
    order_source           TEXT NOT NULL,
    relation_order_id      BIGINT,
    triggered_price        NUMERIC,
    triggered_at           BIGINT,
    order_insert_at        BIGINT NOT NULL,
    canceled_at            BIGINT NOT NULL,
    fail_code              BIGINT,
    fail_reason            TEXT,
    tpsl_order_type        TEXT,
    source_order_id        BIGINT,
    relation_tpsl_order_id BIGINT,
    callback_rate          NUMERIC,
    is_active              BIGINT NOT NULL,
    market_limit_price     NUMERIC,
    formula_price          NUMERIC,
    real_volume            BIGINT NOT NULL
);
-- Restart reads the open ones (1 not activated, 2 waiting) and those finished lately.
CREATE INDEX strategy_orders_open ON strategy_orders (order_id) WHERE status IN (1, 2);
CREATE INDEX strategy_orders_finished ON strategy_orders (update_time)
    WHERE status NOT IN (1, 2);
-- The *_hisorders pages: one UID's kind on one contract, newest first by either time.
CREATE INDEX strategy_orders_by_user
    ON strategy_orders (uid, contract_code, kind, created_at, order_id);
CREATE INDEX strategy_orders_by_update
    ON strategy_orders (uid, contract_code, kind, update_time, order_id);
