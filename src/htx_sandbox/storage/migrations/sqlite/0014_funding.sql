-- Funding (issue 13). Positions keep their value at the open prices apart from the value at the
-- position price, which each settlement resets; accounts keep what the next settlement record
-- counts from.
ALTER TABLE holdings ADD COLUMN long_open_value TEXT NOT NULL DEFAULT '0';
ALTER TABLE holdings ADD COLUMN short_open_value TEXT NOT NULL DEFAULT '0';
UPDATE holdings SET long_open_value = long_cost_value, short_open_value = short_cost_value;
ALTER TABLE accounts ADD COLUMN settled_balance TEXT NOT NULL DEFAULT '0';
ALTER TABLE accounts ADD COLUMN settled_fees TEXT NOT NULL DEFAULT '0';
UPDATE accounts SET settled_balance = margin_static, settled_fees = fees_paid;
-- One row per balance change, numbered in commit order (HTX's query_id).
CREATE TABLE financial_records (
    query_id      INTEGER PRIMARY KEY,
    uid           INTEGER NOT NULL,
    symbol        TEXT NOT NULL,
    contract_code TEXT NOT NULL,
    type          INTEGER NOT NULL,
    amount        TEXT NOT NULL,
    ts            INTEGER NOT NULL
);
CREATE INDEX financial_records_by_user ON financial_records (uid, contract_code, query_id);
-- A contract's settlements: the platform records and the funding rate history.
CREATE TABLE settlements (
    contract_code     TEXT NOT NULL,
    settlement_time   INTEGER NOT NULL,
    symbol            TEXT NOT NULL,
    settlement_price  TEXT NOT NULL,
    funding_rate      TEXT NOT NULL,
    avg_premium_index TEXT,
    PRIMARY KEY (contract_code, settlement_time)
);
-- An account's settlement records, with its long and short position as they were settled.
CREATE TABLE user_settlements (
    uid                    INTEGER NOT NULL,
    contract_code          TEXT NOT NULL,
    settlement_time        INTEGER NOT NULL,
    symbol                 TEXT NOT NULL,
    margin_balance_init    TEXT NOT NULL,
    margin_balance         TEXT NOT NULL,
    settlement_profit_real TEXT NOT NULL,
    clawback               TEXT NOT NULL,
    funding_fee            TEXT NOT NULL,
    offset_profitloss      TEXT NOT NULL,
    fee                    TEXT NOT NULL,
    settlement_price       TEXT NOT NULL,
    positions              TEXT NOT NULL,
    PRIMARY KEY (uid, contract_code, settlement_time)
);
