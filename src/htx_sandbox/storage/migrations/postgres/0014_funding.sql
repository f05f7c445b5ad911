-- Funding (issue 13). Positions keep their value at the open prices apart from the value at the
-- position price, which each settlement resets; accounts keep what the next settlement record
-- counts from.
ALTER TABLE holdings ADD COLUMN long_open_value NUMERIC NOT NULL DEFAULT 0;
ALTER TABLE holdings ADD COLUMN short_open_value NUMERIC NOT NULL DEFAULT 0;
UPDATE holdings SET long_open_value = long_cost_value, short_open_value = short_cost_value;
ALTER TABLE accounts ADD COLUMN settled_balance NUMERIC NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN settled_fees NUMERIC NOT NULL DEFAULT 0;
UPDATE accounts SET settled_balance = margin_static, settled_fees = fees_paid;
-- One row per balance change, numbered in commit order (HTX's query_id).
CREATE TABLE financial_records (
    query_id      BIGINT PRIMARY KEY,
    uid           BIGINT NOT NULL,
    symbol        TEXT NOT NULL,
    contract_code TEXT NOT NULL,
    type          BIGINT NOT NULL,
    amount        NUMERIC NOT NULL,
    ts            BIGINT NOT NULL
);
CREATE INDEX financial_records_by_user ON financial_records (uid, contract_code, query_id);
-- A contract's settlements: the platform records and the funding rate history.
CREATE TABLE settlements (
    contract_code     TEXT NOT NULL,
    settlement_time   BIGINT NOT NULL,
    symbol            TEXT NOT NULL,
    settlement_price  NUMERIC NOT NULL,
    funding_rate      NUMERIC NOT NULL,
    avg_premium_index NUMERIC,
    PRIMARY KEY (contract_code, settlement_time)
);
-- An account's settlement records, with its long and short position as they were settled.
CREATE TABLE user_settlements (
    uid                    BIGINT NOT NULL,
    contract_code          TEXT NOT NULL,
    settlement_time        BIGINT NOT NULL,
    symbol                 TEXT NOT NULL,
    margin_balance_init    NUMERIC NOT NULL,
    margin_balance         NUMERIC NOT NULL,
    settlement_profit_real NUMERIC NOT NULL,
    clawback               NUMERIC NOT NULL,
    funding_fee            NUMERIC NOT NULL,
    offset_profitloss      NUMERIC NOT NULL,
    fee                    NUMERIC NOT NULL,
    settlement_price       NUMERIC NOT NULL,
    positions              TEXT NOT NULL,
    PRIMARY KEY (uid, contract_code, settlement_time)
);
